"""Record and replay: a proxy that writes every exchange with a real NEMO host to a cassette, and a server that
plays a cassette back. Cassettes are JSON Lines, one exchange per line; SSE bodies keep each line's timing.

    nemo-emulator record --upstream https://mega-api-prod.nemovideo.ai --cassette fixtures/exchanges/run.jsonl
    nemo-emulator replay fixtures/exchanges/run.jsonl
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from nemo_emulator.clock import VirtualClock
from nemo_emulator.urls import tls_context
from nemo_emulator.web.envelope import CompactJSON
from nemo_protocol.codes import Code
from nemo_protocol.wire import code_error_body

_SECRET = {"authorization", "cookie", "x-api-key"}
_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "accept-encoding"}


def _redacted(headers: httpx.Headers | Any) -> dict[str, str]:
    return {k.lower(): ("<redacted>" if k.lower() in _SECRET else v) for k, v in headers.items()}


def _body_field(raw: bytes) -> dict[str, str]:
    try:
        return {"text": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(raw).decode()}


def _body_bytes(field: dict[str, str]) -> bytes:
    return field["text"].encode() if "text" in field else base64.b64decode(field.get("base64", ""))


class Cassette:
    """Appends exchanges to a JSON Lines file (thread-safe, flushed per exchange)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()

    def write(self, exchange: dict[str, Any]) -> None:
        with self._lock, self.path.open("a") as fh:
            fh.write(json.dumps(exchange, ensure_ascii=False) + "\n")


def record_app(upstream: str, cassette: Path) -> Starlette:
    """A proxy to `upstream` that records every exchange."""
    tape = Cassette(cassette)
    clock = VirtualClock("realtime")
    base = upstream.rstrip("/")

    async def proxy(request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        entry: dict[str, Any] = {
            "request": {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": _redacted(request.headers),
                "body": _body_field(body),
            }
        }
        started = clock.wall()
        # A client per exchange: nothing outlives the request, so the proxy shuts down cleanly.
        http = httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30, read=900), verify=tls_context())
        upstream_request = http.build_request(
            request.method, request.url.path, params=request.url.query, headers=headers, content=body
        )
        try:
            response = await http.send(upstream_request, stream=True)
        except httpx.HTTPError as exc:
            await http.aclose()
            entry["error"] = f"{type(exc).__name__}: {exc}"
            tape.write(entry)
            return CompactJSON(code_error_body(Code.BAD_REQUEST, f"upstream unreachable: {exc}"), status_code=502)
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP | {"content-encoding"}}
        entry["response"] = {"status": response.status_code, "headers": dict(response.headers)}
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            lines: list[dict[str, Any]] = []
            entry["response"]["lines"] = lines

            async def relay() -> AsyncIterator[bytes]:
                try:
                    async for line in response.aiter_lines():
                        lines.append({"t": round(clock.wall() - started, 4), "line": line})
                        yield (line + "\n").encode()
                finally:
                    await response.aclose()
                    await http.aclose()
                    entry["elapsed_ms"] = round((clock.wall() - started) * 1000, 1)
                    tape.write(entry)

            return StreamingResponse(relay(), status_code=response.status_code, headers=out_headers)
        raw = await response.aread()
        await http.aclose()
        entry["response"]["body"] = _body_field(raw)
        entry["elapsed_ms"] = round((clock.wall() - started) * 1000, 1)
        tape.write(entry)
        return Response(raw, status_code=response.status_code, headers=out_headers)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", proxy, methods=methods)])


def load(cassette: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in cassette.read_text().splitlines() if line.strip()]


def replay_app(cassette: Path, *, speed: float = 0.0) -> Starlette:
    """Serves a cassette: each request gets the next unused exchange with the same method and path.

    `speed` 0 replays streams at once; 1 keeps their recorded timing.
    """
    exchanges = [e for e in load(cassette) if "response" in e]
    used = [False] * len(exchanges)
    lock = threading.Lock()
    clock = VirtualClock("realtime")

    async def play(request: Request) -> Response:
        with lock:
            index = next(
                (
                    i
                    for i, e in enumerate(exchanges)
                    if not used[i]
                    and e["request"]["method"] == request.method
                    and e["request"]["path"] == request.url.path
                ),
                None,
            )
            if index is not None:
                used[index] = True
        if index is None:
            body = code_error_body(Code.NOT_FOUND, f"no recorded exchange left for {request.method} {request.url.path}")
            return CompactJSON(body, status_code=404)
        await request.body()
        recorded = exchanges[index]["response"]
        headers = {k: v for k, v in recorded["headers"].items() if k.lower() not in _HOP | {"content-encoding"}}
        if "lines" in recorded:

            async def lines() -> AsyncIterator[bytes]:
                previous = 0.0
                for item in recorded["lines"]:
                    if speed > 0:
                        await clock.wall_sleep((item["t"] - previous) * speed)
                    previous = item["t"]
                    yield (item["line"] + "\n").encode()

            return StreamingResponse(lines(), status_code=recorded["status"], headers=headers)
        return Response(_body_bytes(recorded.get("body", {})), status_code=recorded["status"], headers=headers)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", play, methods=methods)])
