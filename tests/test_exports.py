"""The public surface of each package, pinned; and the two client faces, kept identical."""

from __future__ import annotations

import inspect

import nemo_client
import nemo_emulator
import nemo_protocol
from nemo_client import AsyncNemoClient, NemoClient


def test_emulator_exports() -> None:
    assert sorted(nemo_emulator.__all__) == ["Settings", "Store", "create_app"]


def test_protocol_exports_resolve() -> None:
    assert {"Code", "Draft", "ENDPOINTS", "dumps", "loads", "http_status"} <= set(nemo_protocol.__all__)
    for name in nemo_protocol.__all__:
        assert getattr(nemo_protocol, name) is not None


def test_client_exports_every_error_class() -> None:
    from nemo_client import _errors

    classes = {n for n, v in vars(_errors).items() if inspect.isclass(v) and issubclass(v, _errors.NemoError)}
    assert classes <= set(nemo_client.__all__), classes - set(nemo_client.__all__)
    for name in nemo_client.__all__:
        assert getattr(nemo_client, name) is not None


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_")
    }


def test_sync_and_async_faces_have_the_same_methods_and_parameters() -> None:
    sync, aio = _public(NemoClient), _public(AsyncNemoClient)
    assert sorted(sync) == sorted(aio)
    for name, signature in sync.items():
        if name in ("__init__",):
            continue
        assert list(signature.parameters) == list(aio[name].parameters), name


def test_every_async_io_method_is_a_coroutine() -> None:
    for name, member in inspect.getmembers(AsyncNemoClient, callable):
        own = name in vars(AsyncNemoClient) and not name.startswith("_")
        if own and name != "stream":
            assert inspect.iscoroutinefunction(member), name
    assert inspect.isasyncgenfunction(AsyncNemoClient.stream)
