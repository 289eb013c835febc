"""The JSON encoding every response goes through."""

from __future__ import annotations

import json

from nemo_protocol.wire import dumps


def test_what_orjson_refuses_still_encodes_and_non_finite_floats_become_null() -> None:
    echoed = {"detail": [{"input": {"n": 2**70, "x": float("nan"), "y": [float("inf"), "\ud800"]}}]}
    assert json.loads(dumps(echoed)) == {"detail": [{"input": {"n": 2**70, "x": None, "y": [None, "\ud800"]}}]}


def test_the_hot_path_is_compact_utf8() -> None:
    assert dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'.encode()
    assert dumps({"x": float("nan")}) == b'{"x":null}'
