"""Bearer parsing, token lookup and X-Skill-* attribution, for every API route.

This is the hot path of every request: one pass over the raw headers, no copies.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from nemo_emulator.errors import ApiError
from nemo_emulator.state.accounts import NO_ATTRIBUTION, Attribution, User
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code

_SKILL = {b"x-skill-source": 0, b"x-skill-version": 1, b"x-skill-platform": 2}


def store_of(request: HTTPConnection) -> Store:
    """The Store of the app serving `request`."""
    store: Store = request.scope["nemo.store"]
    return store


def _read(request: HTTPConnection, store: Store) -> tuple[bytes | None, Attribution]:
    scope = request.scope
    cached = scope.get("nemo.auth")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    auth: bytes | None = None
    skill: list[str | None] | None = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            auth = value
        elif name in _SKILL:
            skill = skill or [None, None, None]
            skill[_SKILL[name]] = value[: store.settings.max_attribution_len].decode("latin-1")
    if skill is None:
        cached = scope["nemo.auth"] = (auth, NO_ATTRIBUTION)
        return cached
    store.accounts.count_attribution(skill[0], skill[1], skill[2])
    cached = scope["nemo.auth"] = (auth, Attribution(*skill))
    return cached


def attribution(request: HTTPConnection) -> Attribution:
    """The X-Skill-* headers (the backend uses them to recognise skill traffic), recorded once per request."""
    return _read(request, store_of(request))[1]


def bearer(request: HTTPConnection) -> str:
    """The token of `Authorization: Bearer <token>`, or 1001."""
    header = _read(request, store_of(request))[0]
    if not header:
        raise ApiError(Code.BAD_TOKEN, "missing Authorization header; send 'Authorization: Bearer nmv_usr_…'")
    scheme, _, value = header.partition(b" ")
    value = value.strip()
    if scheme.lower() != b"bearer" or not value:
        raise ApiError(Code.BAD_TOKEN, "Authorization must be 'Bearer <token>'")
    return value.decode("latin-1")


def authenticate(request: HTTPConnection) -> User:
    """The user behind `Authorization: Bearer nmv_usr_…`, or 1001."""
    return store_of(request).accounts.authenticate(bearer(request))


def client_ip(request: HTTPConnection) -> str:
    return request.client.host if request.client else "unknown"
