"""Receiving multipart uploads as a stream: each file part goes straight into an upload sink on disk as it
arrives (the size and quota limits are checked as bytes come in); other fields are kept small."""

from __future__ import annotations

from typing import Any

from starlette.requests import ClientDisconnect, Request

from nemo_emulator.errors import ApiError
from nemo_emulator.state.uploads import Uploads, UploadSink
from nemo_protocol.codes import Code

MAX_FIELD = 64 * 1024
MAX_FILES = 20
MAX_BOUNDARY = 200
"""RFC 2046 allows 70 characters; anything longer is refused before the parser sees it."""


class _Receiver:
    """Feeds the parts named `name` into upload sinks; other fields are kept (small) or refused (files)."""

    def __init__(self, uploads: Uploads, user_id: str, name: str) -> None:
        self.uploads, self.user_id, self.name = uploads, user_id, name
        self.sinks: list[UploadSink] = []
        self.fields: dict[str, str] = {}
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._current: UploadSink | None = None
        self._other: str | None = None
        self._data = bytearray()

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
        self._other, self._data = None, bytearray()
        if name == self.name:
            if len(self.sinks) >= MAX_FILES:
                raise ApiError(Code.BAD_REQUEST, f"at most {MAX_FILES} files per request")
            self._current = self.uploads.open(filename.decode("utf-8", "replace") if filename else None, self.user_id)
            self.sinks.append(self._current)
        elif filename is not None:
            raise ApiError(Code.BAD_REQUEST, f"file part named {name!r}; send files as multipart parts named "
                                             f"'{self.name}'")  # fmt: skip
        else:
            self._other = name[:100]

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is not None:
            self._current.write(data[start:end])
            return
        self._data += data[start:end]
        if len(self._data) > MAX_FIELD:
            raise ApiError(Code.BAD_REQUEST, "form field too large")

    def on_part_end(self) -> None:
        if self._current is None and self._other is not None and len(self.fields) < 32:
            self.fields[self._other] = self._data.decode("utf-8", "replace")
        self._current = None

    def discard(self) -> None:
        for sink in self.sinks:
            sink.discard()


Received = tuple[list[UploadSink], dict[str, str]]


async def receive_files(request: Request, uploads: Uploads, user_id: str, name: str) -> Received:
    """The request's file parts named `name` as sinks, and its plain fields; nothing partial is kept on failure."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError(Code.BAD_REQUEST, "multipart body without a boundary")
    if len(boundary) > MAX_BOUNDARY:
        raise ApiError(Code.BAD_REQUEST, f"multipart boundary longer than {MAX_BOUNDARY} characters")
    receiver = _Receiver(uploads, user_id, name)
    callbacks: Any = {n: getattr(receiver, n) for n in dir(receiver) if n.startswith("on_")}
    try:
        parser = MultipartParser(boundary, callbacks, max_header_size=64 * 1024)
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (ApiError, ClientDisconnect):
        receiver.discard()
        raise
    except Exception as exc:  # the parser's own errors for malformed bodies
        receiver.discard()
        raise ApiError(Code.BAD_REQUEST, f"malformed multipart body: {type(exc).__name__}") from None
    if not receiver.sinks:
        raise ApiError(Code.BAD_REQUEST, f"no files; send one or more multipart parts named '{name}'")
    return receiver.sinks, receiver.fields
