"""Uploads by URL: the emulator has no network, so it fetches only loopback URLs and its fixture map (protocol
§8 Q16). Every failure reads the same ("cannot fetch url"), so the answers never tell loopback ports apart."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from nemo_emulator.errors import ApiError
from nemo_emulator.state.uploads import Uploads, UploadSink
from nemo_emulator.urls import is_loopback, tls_context
from nemo_protocol.codes import Code

MAX_URL = 4096


def _refused(url: str) -> ApiError:
    return ApiError(Code.BAD_REQUEST, f"cannot fetch url {url[:200]!r}: the emulator fetches only loopback URLs "
                                      "that answer 200 with the file, and the URLs of its url_fixture_map")  # fmt: skip


async def fetch(url: object, uploads: Uploads, user_id: str, fixtures: dict[str, str]) -> UploadSink:
    """The file behind `url` in a new sink."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise ApiError(Code.BAD_REQUEST, f"urls must be strings of 1 to {MAX_URL} characters")
    parts = urlsplit(url)
    name = unquote(parts.path.rsplit("/", 1)[-1])
    local = fixtures.get(url)
    if local is not None:
        sink = uploads.open(name, user_id)
        try:
            with Path(local).open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    sink.write(chunk)
        except BaseException:
            sink.discard()
            raise
        return sink
    if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname or ""):
        raise _refused(url)
    import httpx

    sink = uploads.open(name, user_id)
    try:
        async with httpx.AsyncClient(timeout=30, verify=tls_context()) as http, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise _refused(url)
            async for chunk in response.aiter_bytes():
                sink.write(chunk)
    except (httpx.HTTPError, ValueError):
        sink.discard()
        raise _refused(url) from None
    except BaseException:
        sink.discard()
        raise
    return sink


async def fetch_all(urls: list[object], uploads: Uploads, user_id: str, fixtures: dict[str, str], timeout: float,
                    gone: Awaitable[None]) -> list[UploadSink]:  # fmt: skip
    """Every URL, within `timeout` real seconds in all; stopped the moment `gone` (the client left) completes."""
    sinks: list[UploadSink] = []

    async def fetch_each() -> None:
        for url in urls:
            sinks.append(await fetch(url, uploads, user_id, fixtures))

    fetching = asyncio.ensure_future(fetch_each())
    leaving = asyncio.ensure_future(gone)
    try:
        done, _ = await asyncio.wait({fetching, leaving}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if fetching in done:
            fetching.result()
            return sinks
        if leaving in done:
            raise ConnectionAbortedError("the client went away")
        raise ApiError(Code.BAD_REQUEST, f"cannot fetch url: no complete answer within {timeout:g} s")
    except BaseException:
        fetching.cancel()
        with contextlib.suppress(BaseException):
            await fetching
        for sink in sinks:
            sink.discard()
        raise
    finally:
        leaving.cancel()
