"""The exception handlers: the one place that writes error bodies.

Handlers raise `ApiError(Code.X, "how to fix it")`; the envelope is chosen by path prefix (nemo_protocol.routes),
and the HTTP status by the surface's code table and Settings.error_http_status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from nemo_emulator.errors import ApiError, crash_record
from nemo_emulator.web.envelope import CompactJSON
from nemo_protocol import gateway
from nemo_protocol.codes import Code, http_status
from nemo_protocol.routes import envelope_for
from nemo_protocol.wire import code_error_body, error_body


def error_response(request: Request, exc: ApiError) -> Response:
    """Render `exc` in the envelope and with the code table of the surface its route belongs to: the gateway's
    (protocol/gateway.py), or the mega API's, whose HTTP status Settings.error_http_status chooses."""
    path = request.url.path
    code: int
    if path.startswith(OAUTH_PREFIXES):  # the MCP surface speaks OAuth's error JSON (RFC 6749 §5.2)
        code = int(exc.code)
        status = exc.status or (code if 400 <= code < 600 else 400)
        name = ("temporarily_unavailable" if status in (429, 503) else "server_error" if status >= 500
                else "invalid_request")
        body = exc.body if exc.body is not None else {"error": name, "error_description": exc.message}
    elif gateway.is_gateway(path):
        code = gateway.translate(exc.code)
        status = exc.status or gateway.http_status(code)
        body = exc.body if exc.body is not None else code_error_body(code, exc.message)
        if path.startswith("/services/v1/") and exc.body is None:
            body = {"success": False, "error": exc.message, **body}
    else:
        code = int(exc.code)
        status = exc.status or http_status(exc.code, request.scope["nemo.store"].settings.error_http_status)
        body = exc.body if exc.body is not None else error_body(envelope_for(path), exc.code, exc.message)
    request.scope["nemo.code"] = code
    return CompactJSON(body, status_code=status, headers=exc.headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


OAUTH_PREFIXES = ("/oauth/", "/.well-known/oauth", "/mcp")
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


async def unexpected(request: Request, exc: Exception) -> Response:
    """Answer in the envelope, and keep the traceback where tests and /_emulator/errors can see it."""
    request.scope["nemo.store"].record_error(crash_record(request.url.path, exc, method=request.method))
    return error_response(request, ApiError(Code.INTERNAL, "internal emulator error; see GET /_emulator/errors"))


async def _client_gone(request: Request, exc: Exception) -> Response:
    """Nobody is listening; what was received has already been discarded."""
    return Response(status_code=499)


HANDLERS: dict[Any, Callable[[Request, Exception], Any]] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    ClientDisconnect: _client_gone,
    Exception: unexpected,
}


def handler_for(exc: Exception, handlers: dict[Any, Callable[[Request, Exception], Any]]) -> tuple[Any, bool]:
    """The handler Starlette would pick for `exc` (the nearest class in its MRO), and whether it is the handler of
    last resort (which Starlette runs in ServerErrorMiddleware, then re-raises)."""
    for cls in type(exc).__mro__:
        if cls in handlers and cls is not Exception:
            return handlers[cls], False
    return handlers.get(Exception, unexpected), True
