"""POST /api/upload-video/nemo_agent/<user>/<session_id>: streamed multipart `files`, or JSON `{"urls":[…]}`.

Bytes go straight to disk through the multipart parser; the size limit is checked as they arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.api._body import field, read_json
from nemo_emulator.api.sessions import check_user_slot
from nemo_emulator.auth import authenticate, store_of
from nemo_emulator.envelope import ok
from nemo_emulator.errors import ApiError
from nemo_emulator.state.store import Store
from nemo_emulator.state.uploads import UploadSink
from nemo_emulator.urls import is_loopback
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint

_MAX_FIELD = 64 * 1024
_MAX_FILES = 20


class _Receiver:
    """Feeds multipart parts named `files` into upload sinks; other fields are read and ignored."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.sinks: list[UploadSink] = []
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._current: UploadSink | None = None
        self._other = 0
        self.error: ApiError | None = None

    def on_part_begin(self) -> None:
        self._headers = {}
        self._current = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        if name == "files":
            if len(self.sinks) >= _MAX_FILES:
                raise ApiError(Code.BAD_REQUEST, f"at most {_MAX_FILES} files per request")
            self._current = self.store.uploads.open(filename.decode("utf-8", "replace") if filename else None)
            self.sinks.append(self._current)
        elif filename is not None:
            raise ApiError(Code.BAD_REQUEST, f"file part named {name!r}; send files as multipart parts named 'files'")
        self._other = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is not None:
            self._current.write(data[start:end])
        else:
            self._other += end - start
            if self._other > _MAX_FIELD:
                raise ApiError(Code.BAD_REQUEST, "form field too large")

    def on_part_end(self) -> None:
        self._current = None

    def discard(self) -> None:
        for sink in self.sinks:
            sink.discard()


async def _receive_multipart(request: Request, store: Store) -> list[UploadSink]:
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError(Code.BAD_REQUEST, "multipart body without a boundary")
    receiver = _Receiver(store)
    callbacks: Any = {name: getattr(receiver, name) for name in dir(receiver) if name.startswith("on_")}
    parser = MultipartParser(boundary, callbacks, max_header_size=64 * 1024)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except ApiError:
        receiver.discard()
        raise
    except ClientDisconnect:
        receiver.discard()
        raise
    except Exception as exc:  # the parser's own errors for malformed bodies
        receiver.discard()
        raise ApiError(Code.BAD_REQUEST, f"malformed multipart body: {exc}") from None
    if not receiver.sinks:
        raise ApiError(Code.BAD_REQUEST, "no files; send one or more multipart parts named 'files'")
    return receiver.sinks


async def _fetch(url: object, store: Store) -> UploadSink:
    """A URL from the fixture map or on loopback; the emulator never reaches the network."""
    if not isinstance(url, str) or len(url) > 4096:
        raise ApiError(Code.BAD_REQUEST, "urls must be strings")
    parts = urlsplit(url)
    name = unquote(parts.path.rsplit("/", 1)[-1])
    local = store.settings.url_fixture_map.get(url)
    if local is not None:
        sink = store.uploads.open(name)
        try:
            with Path(local).open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    sink.write(chunk)
        except BaseException:
            sink.discard()
            raise
        return sink
    if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname or ""):
        raise ApiError(
            Code.BAD_REQUEST,
            f"cannot fetch url {url[:200]!r}: the emulator only fetches loopback URLs and its fixture map",
        )
    import httpx

    sink = store.uploads.open(name)
    try:
        async with httpx.AsyncClient(timeout=30) as http, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise ApiError(Code.BAD_REQUEST, f"cannot fetch url {url[:200]!r}: HTTP {response.status_code}")
            async for chunk in response.aiter_bytes():
                sink.write(chunk)
    except httpx.HTTPError as exc:
        sink.discard()
        raise ApiError(Code.BAD_REQUEST, f"cannot fetch url {url[:200]!r}: {type(exc).__name__}") from None
    except BaseException:
        sink.discard()
        raise
    return sink


async def _fetch_all(request: Request, urls: list[object], store: Store) -> list[UploadSink]:
    """Every URL, within url_fetch_timeout_s of real time in all; stopped the moment the client goes away."""
    sinks: list[UploadSink] = []

    async def fetch_each() -> None:
        for url in urls:
            sinks.append(await _fetch(url, store))

    fetching = asyncio.ensure_future(fetch_each())
    leaving = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({fetching, leaving}, timeout=store.settings.url_fetch_timeout_s,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        if fetching in done:
            fetching.result()
            return sinks
        if leaving in done:
            raise ClientDisconnect
        limit = store.settings.url_fetch_timeout_s
        raise ApiError(Code.BAD_REQUEST, f"cannot fetch url: no complete answer within {limit:g} s")
    except BaseException:
        fetching.cancel()
        with contextlib.suppress(BaseException):
            await fetching
        for sink in sinks:
            sink.discard()
        raise
    finally:
        leaving.cancel()


async def _disconnected(request: Request) -> None:
    """Returns once the client has gone (the body is read by then, so the next message can only be that)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def upload(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_user_slot(request, user.id)
    session = store.sessions.owned(request.path_params["session_id"], user.id)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        sinks = await _receive_multipart(request, store)
    elif ctype.startswith("application/json"):
        body = await read_json(request, limit=store.settings.max_json_body_bytes)
        urls = field(body, "urls", kind=list)
        if not urls or len(urls) > _MAX_FILES:
            raise ApiError(Code.BAD_REQUEST, f"urls must list 1 to {_MAX_FILES} URLs")
        sinks = await _fetch_all(request, urls, store)
    else:
        raise ApiError(Code.BAD_REQUEST, "send multipart/form-data with parts named 'files', or JSON {\"urls\": [...]}")
    accepted = []
    try:
        for sink in sinks:
            accepted.append(await asyncio.to_thread(store.uploads.accept, sink, user.id, session.id))
    except BaseException:
        for sink in sinks[len(accepted) :]:
            sink.discard()
        for up in accepted:
            store.uploads.forget(up)
        raise
    base = str(request.base_url)
    infos = [up.info(store.upload_url(base, up)) for up in accepted]
    analyses = {up.id: up.probe.analysis for up in accepted if up.probe.analysis}
    async with session.edit_lock:  # a turn's tool may be writing the same state
        session.apply_delta(
            {
                "video_infos": [*session.state.get("video_infos", []), *infos],
                "video_analyses": {**session.state.get("video_analyses", {}), **analyses},
            }
        )
    store.commit()
    return ok(request, {"files": infos, "session_state_applied": True})


routes = [Route(endpoint("upload").path, upload, methods=["POST"])]
