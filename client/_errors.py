"""The client's exceptions, one class per protocol code the client reacts to (the table is nemo_protocol.codes;
a code without a class here arrives as a plain ApiError, never a crash).

NemoError
├── TransportError          network failure (wraps httpx.TransportError)
├── ProtocolError           the reply is not a valid envelope or stream
├── RenderFailed            the render ended failed or cancelled (.job)
├── RenderTimeout           polling gave up before the render finished
└── ApiError                .code .status .message .response
    ├── BadRequest          400  (MissingClientId: 400 from anonymous-token; InvalidBody: 422 from /run_sse)
    ├── ExportBlocked       402  free export without attribution; not a credits error
    ├── Forbidden           403
    ├── NotFound            404  (unknown route or render id)
    ├── Conflict            409  (duplicate render id, render not ready)
    ├── RateLimited         429  .retry_after
    ├── ServerError         5xx
    ├── TokenInvalid        1001, and the gateway's 1010 (TokenExpired: its 1011); WebSocket close 4001
    ├── SessionNotFound     1002
    ├── OutOfCredits        2001
    ├── UnsupportedFileType 4001 (the gateway's 415)
    ├── FileTooLarge        4002
    └── ToolError           an MCP tool's error result with a code of no class above (B.4's others map to
                            them: 402 OutOfCredits, 403 Forbidden, 404 NotFound, 409 Conflict, 400/422 BadRequest)
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from nemo_protocol.codes import Code
from nemo_protocol.gateway import GatewayCode


class NemoError(Exception):
    """Anything that went wrong talking to a NEMO endpoint."""


class TransportError(NemoError):
    """The request did not complete: connection refused, reset, timed out."""


class ProtocolError(NemoError):
    """The endpoint answered with something that is not the protocol (not JSON, no envelope, bad stream)."""


class RenderFailed(NemoError):
    """The render ended `failed` or `cancelled`; `job` is its last status."""

    def __init__(self, job: Any) -> None:
        super().__init__(f"render {job.get('id')} {job.get('status')}: {job.get('error') or 'no reason given'}")
        self.job = job


class RenderTimeout(NemoError):
    """A render did not finish within the polling timeout."""


class ApiError(NemoError):
    """An error reply in the protocol's envelope."""

    code: int = 0

    def __init__(self, code: int, message: str, status: int, response: httpx.Response | None = None) -> None:
        super().__init__(f"{message} (code {code}, HTTP {status})")
        self.code = code
        self.message = message
        self.status = status
        self.response = response


class BadRequest(ApiError):
    """400: the request was malformed."""


class MissingClientId(BadRequest):
    """400 from anonymous-token: X-Client-Id missing or too long."""


class InvalidBody(BadRequest):
    """422: the /run_sse body failed ADK's request model; `errors` is FastAPI's list of what was wrong."""

    @property
    def errors(self) -> list[Any]:
        body = _body(self.response) if self.response is not None else None
        detail = body.get("detail") if isinstance(body, dict) else None
        return detail if isinstance(detail, list) else []


class ExportBlocked(ApiError):
    """402: free/anonymous export refused without attribution headers; register to unlock export."""


class Forbidden(ApiError):
    """403: the token lacks a scope."""


class NotFound(ApiError):
    """404: unknown route or render."""


class Conflict(ApiError):
    """409: duplicate render id, or a render not ready to download."""


class RateLimited(ApiError):
    """429: too many anonymous tokens; `retry_after` seconds if the server said."""

    @property
    def retry_after(self) -> float | None:
        value = self.response.headers.get("retry-after") if self.response is not None else None
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class ServerError(ApiError):
    """5xx in the envelope."""


class TokenInvalid(ApiError):
    """1001: missing, garbled, expired or revoked token; get a new anonymous token."""


class SessionNotFound(ApiError):
    """1002: unknown session (or not yours); create a new one."""


class OutOfCredits(ApiError):
    """2001: not enough credits; anonymous users register (?bind=<user_id>), others top up."""


class UnsupportedFileType(ApiError):
    """4001: not an accepted media format."""


class FileTooLarge(ApiError):
    """4002: over the upload size limit."""


class TokenExpired(TokenInvalid):
    """1011 (the gateway): the API token has expired."""


ERROR_BY_CODE: dict[int, type[ApiError]] = {
    Code.BAD_REQUEST: BadRequest,
    Code.INVALID_BODY: InvalidBody,
    Code.EXPORT_BLOCKED: ExportBlocked,
    Code.FORBIDDEN: Forbidden,
    Code.NOT_FOUND: NotFound,
    Code.CONFLICT: Conflict,
    Code.RATE_LIMITED: RateLimited,
    Code.INTERNAL: ServerError,
    Code.BAD_TOKEN: TokenInvalid,
    Code.SESSION_NOT_FOUND: SessionNotFound,
    Code.INSUFFICIENT_CREDITS: OutOfCredits,
    Code.UNSUPPORTED_FILE_TYPE: UnsupportedFileType,
    Code.FILE_TOO_LARGE: FileTooLarge,
    GatewayCode.BAD_TOKEN: TokenInvalid,
    GatewayCode.TOKEN_EXPIRED: TokenExpired,
    GatewayCode.UNSUPPORTED_MEDIA: UnsupportedFileType,
}


class ToolError(ApiError):
    """An MCP tool's error result (isError, protocol B.4) whose code has no class of its own; `.data` is its JSON."""

    data: dict[str, Any]


MCP_ERRORS: dict[int, type[ApiError]] = {400: BadRequest, 402: OutOfCredits, 403: Forbidden, 404: NotFound,
                                         409: Conflict, 422: BadRequest, 429: RateLimited}  # fmt: skip
"""B.4's codes: 402 is the MCP server's credits error (never the mega API's export block)."""


def tool_error(name: str, data: dict[str, Any]) -> ApiError:
    """The exception for a failed MCP tool call, from its structured result; `.data` keeps all of it (a version
    conflict's current draft, a validation error's list)."""
    code = data.get("code")
    number = code if isinstance(code, int) and not isinstance(code, bool) else 500
    cls = MCP_ERRORS.get(number) or (ServerError if number >= 500 else ToolError)
    error = cls(number, f"{name}: {data.get('message') or data.get('error') or 'failed'}", number)
    error.data = data  # type: ignore[attr-defined]
    return error


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _detail(detail: Any) -> str:
    """FastAPI's `detail`: a string, or a validation list whose first entry names the field."""
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        first = detail[0]
        where = ".".join(str(x) for x in first.get("loc", []))
        return f"{where}: {first.get('msg', 'invalid')}" + (f" (and {len(detail) - 1} more)" if len(detail) > 1 else "")
    return str(detail) if detail else ""


def error_from(response: httpx.Response) -> ApiError | None:
    """The error a reply carries (code envelope, success envelope or FastAPI detail), or None on success."""
    body = _body(response)
    status = response.status_code
    code: int | None = None
    message = ""
    if isinstance(body, dict):
        raw_code = body.get("code")
        if isinstance(raw_code, int) and not isinstance(raw_code, bool) and raw_code != 0:
            code = raw_code
        if body.get("success") is False and code is None:
            code = status if status >= 400 else int(Code.BAD_REQUEST)
        message = str(body.get("message") or body.get("error") or _detail(body.get("detail")) or "")
        if code is None and status >= 400:
            code = status
    elif status >= 400:
        code = status
        message = response.text[:200]
    if code is None:
        return None
    cls = ERROR_BY_CODE.get(code) or (ServerError if code >= 500 and code < 600 else ApiError)
    return cls(code, message or f"HTTP {status}", status, response)


def check(response: httpx.Response, *, envelope: str) -> Any:
    """Return the payload of a successful reply, or raise the error it carries.

    `envelope` is "code" ({code, message, data}), "success" ({success, data}) or "json" (as is).
    """
    error = error_from(response)
    if error is not None:
        raise error
    body = _body(response)
    if body is None:
        raise ProtocolError(f"expected JSON from {response.request.url.path}, got {response.text[:120]!r}")
    if envelope == "json":
        return body
    if not isinstance(body, dict) or "data" not in body:
        raise ProtocolError(f"reply from {response.request.url.path} has no 'data': {response.text[:200]}")
    if envelope == "code" and body.get("code") != 0:
        raise ProtocolError(f"reply from {response.request.url.path} has no code 0: {response.text[:200]}")
    if envelope == "success" and body.get("success") is not True:
        raise ProtocolError(f"reply from {response.request.url.path} lacks success: true")
    return body["data"]
