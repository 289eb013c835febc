"""A downstream project's conftest: it has its own Hypothesis profile, which the installed plugin must not touch."""

from hypothesis import settings

settings.register_profile("downstream", max_examples=7, derandomize=True, deadline=None)
settings.load_profile("downstream")
