"""The one alias for opaque JSON objects, and a reader that tolerates missing or wrong-typed members."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def obj(value: Any) -> JSON:
    """`value` if it is a JSON object, else an empty one (drafts from the wild may hold anything)."""
    return value if isinstance(value, dict) else {}
