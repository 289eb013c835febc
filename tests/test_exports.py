"""The public surface of each package, pinned."""

from __future__ import annotations

import client
import emulator


def test_emulator_exports() -> None:
    assert sorted(emulator.__all__) == ["Settings", "Store", "create_app"]


def test_client_exports_resolve() -> None:
    assert {
        "NemoClient",
        "AsyncNemoClient",
        "Code",
        "TokenInvalid",
        "SessionNotFound",
        "OutOfCredits",
        "UnsupportedFileType",
        "FileTooLarge",
        "MissingClientId",
        "ExportBlocked",
        "RateLimited",
        "TurnResult",
        "classify",
    } <= set(client.__all__)
    for name in client.__all__:
        assert getattr(client, name) is not None
