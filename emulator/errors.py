"""ApiError and the exception handlers: the one place that writes error bodies.

Handlers raise `ApiError(Code.X, "how to fix it")`; the envelope is chosen by path prefix.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from client.codes import Code, http_status
from emulator.envelope import CompactJSON, code_error_body, detail_error_body, success_error_body


class ApiError(Exception):
    """A protocol error: a code from the shared table, a message, and optionally extra headers."""

    def __init__(
        self, code: Code, message: str, *, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers


_ENVELOPE_BY_PREFIX: tuple[tuple[str, Callable[[Code, str], dict[str, Any]]], ...] = (
    ("/api/render/proxy", success_error_body),
    ("/run_sse", detail_error_body),
)


def error_response(request: Request, exc: ApiError) -> Response:
    """Render `exc` in the envelope its route speaks."""
    build: Callable[[Code, str], dict[str, Any]] = code_error_body
    path = request.url.path
    for prefix, builder in _ENVELOPE_BY_PREFIX:
        if path.startswith(prefix):
            build = builder
            break
    settings = request.app.state.store.settings
    status = exc.status or http_status(exc.code)
    if settings.error_http_status == "always_200" and exc.code >= 1000:
        status = 200
    return CompactJSON(build(exc.code, exc.message), status_code=status, headers=exc.headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


_HTTP_CODES = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED, 413: Code.BODY_TOO_LARGE}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, Code.BAD_REQUEST)
    if code is Code.NOT_FOUND:
        message = f"No route {request.method} {request.url.path}; see GET /openapi.json for the API"
    elif code is Code.METHOD_NOT_ALLOWED:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return error_response(request, ApiError(code, message, status=exc.status_code, headers=dict(exc.headers or {})))


def crash_record(where: str, exc: BaseException, **extra: str) -> dict[str, Any]:
    """How an unexpected exception is kept for /_emulator/errors (and for the tests that check it stays empty)."""
    return {"path": where, **extra, "error": repr(exc), "traceback": "".join(traceback.format_exception(exc))}


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Answer in the envelope, and keep the traceback where tests and /_emulator/errors can see it."""
    store = request.app.state.store
    store.unexpected_errors.append(crash_record(request.url.path, exc, method=request.method))
    return error_response(request, ApiError(Code.INTERNAL, "internal emulator error; see GET /_emulator/errors"))


async def _client_gone(request: Request, exc: Exception) -> Response:
    """Nobody is listening; what was received has already been discarded."""
    return Response(status_code=499)


HANDLERS: dict[Any, Callable[[Request, Exception], Any]] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    ClientDisconnect: _client_gone,
    Exception: _unexpected,
}
