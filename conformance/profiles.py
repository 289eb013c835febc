"""The suite's Hypothesis profiles, named so they cannot clobber a host project's own.

`nemo-ci` (default: derandomised, few examples), `nemo-deep` (many examples), `nemo-live` (a handful, for the live
API's budget). Loaded only by the suite's conftest, never by the installed plugin.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Verbosity, settings

SHARED_USER_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
"""Property tests reuse one user across examples on purpose: the inputs they send change nothing."""


def register() -> None:
    settings.register_profile(
        "nemo-ci",
        max_examples=15,
        derandomize=True,
        deadline=None,
        print_blob=True,
        suppress_health_check=SHARED_USER_OK,
    )
    settings.register_profile(
        "nemo-deep",
        max_examples=400,
        deadline=None,
        print_blob=True,
        verbosity=Verbosity.normal,
        suppress_health_check=SHARED_USER_OK,
    )
    settings.register_profile(
        "nemo-live",
        max_examples=3,
        derandomize=True,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def load_default(config: object, *, live: bool = False) -> None:
    """Load `nemo-live` or `nemo-ci` unless the run chose a profile with --hypothesis-profile."""
    chosen = getattr(config, "getoption")("--hypothesis-profile", None)  # noqa: B009
    if chosen in (None, "default"):
        settings.load_profile("nemo-live" if live else "nemo-ci")
