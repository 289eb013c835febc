"""The code table: every code, the HTTP status it travels with under each error_http_status setting, and how the
client names it. A new code is a row in nemo_protocol/codes.py and a row here."""

from __future__ import annotations

import httpx
import pytest

from nemo_client import _errors as client_errors
from nemo_protocol.codes import Code, http_status

# code: (skill, mapped, always_200, client exception)
TABLE: dict[Code, tuple[int, int, int, type[client_errors.NemoError]]] = {
    Code.OK: (200, 200, 200, client_errors.ApiError),
    Code.BAD_REQUEST: (400, 400, 400, client_errors.BadRequest),
    Code.EXPORT_BLOCKED: (402, 402, 402, client_errors.ExportBlocked),
    Code.FORBIDDEN: (403, 403, 403, client_errors.Forbidden),
    Code.NOT_FOUND: (404, 404, 404, client_errors.NotFound),
    Code.METHOD_NOT_ALLOWED: (405, 405, 405, client_errors.ApiError),
    Code.CONFLICT: (409, 409, 409, client_errors.Conflict),
    Code.BODY_TOO_LARGE: (413, 413, 413, client_errors.ApiError),
    Code.URI_TOO_LONG: (414, 414, 414, client_errors.ApiError),
    Code.INVALID_BODY: (422, 422, 422, client_errors.InvalidBody),
    Code.RATE_LIMITED: (429, 429, 429, client_errors.RateLimited),
    Code.HEADERS_TOO_LARGE: (431, 431, 431, client_errors.ApiError),
    Code.INTERNAL: (500, 500, 500, client_errors.ServerError),
    Code.BUSY: (503, 503, 503, client_errors.ServerError),
    Code.BAD_TOKEN: (401, 401, 200, client_errors.TokenInvalid),
    Code.SESSION_NOT_FOUND: (404, 404, 200, client_errors.SessionNotFound),
    Code.INSUFFICIENT_CREDITS: (200, 403, 200, client_errors.OutOfCredits),
    Code.UNSUPPORTED_FILE_TYPE: (415, 415, 200, client_errors.UnsupportedFileType),
    Code.FILE_TOO_LARGE: (413, 413, 200, client_errors.FileTooLarge),
}


def test_every_code_is_covered() -> None:
    assert set(TABLE) == set(Code)


@pytest.mark.parametrize("code", sorted(TABLE))
def test_status_per_setting(code: Code) -> None:
    skill, mapped, always_200, _ = TABLE[code]
    assert (http_status(code), http_status(code, "mapped"), http_status(code, "always_200")) == (
        skill,
        mapped,
        always_200,
    )


def test_credits_never_travel_as_402() -> None:
    assert all(http_status(Code.INSUFFICIENT_CREDITS, style) != 402 for style in ("skill", "mapped", "always_200"))


@pytest.mark.parametrize("code", sorted(set(TABLE) - {Code.OK}))
def test_the_client_names_each_code(code: Code) -> None:
    status = TABLE[code][0]
    body = {"code": int(code), "message": "why", "data": None}
    response = httpx.Response(status, json=body, request=httpx.Request("GET", "http://x/api/credits/balance/simple"))
    error = client_errors.error_from(response)
    assert type(error) is TABLE[code][3]
    assert error is not None and error.code == code
