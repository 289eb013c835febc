"""The JSON Schemas of every request body, reply and stream event, shipped as package data.

`$id`s are `nemo:<name>`; schemas refer to each other by those ids.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def all_schemas() -> dict[str, dict[str, Any]]:
    """Every schema by name (its file's stem)."""
    out: dict[str, dict[str, Any]] = {}
    for item in resources.files(__name__).iterdir():
        if item.name.endswith(".json"):
            out[item.name.removesuffix(".json")] = json.loads(item.read_text(encoding="utf-8"))
    return out


def load(name: str) -> dict[str, Any]:
    """The schema called `name` (KeyError if there is none)."""
    return all_schemas()[name]
