"""Bearer parsing, token lookup and X-Skill-* attribution, for every API route.

This is the hot path of every request: one pass over the raw headers, no copies.
"""

from __future__ import annotations

from starlette.requests import Request

from client.codes import Code
from emulator.errors import ApiError
from emulator.state.accounts import Attribution, User
from emulator.state.store import Store

_SKILL = {b"x-skill-source": 0, b"x-skill-version": 1, b"x-skill-platform": 2}


def store_of(request: Request) -> Store:
    """The Store of the app serving `request`."""
    store: Store = request.scope["app"].state.store
    return store


def _read(request: Request, store: Store) -> tuple[bytes | None, Attribution]:
    cached = request.scope.get("nemo.auth")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    auth: bytes | None = None
    skill: list[str | None] = [None, None, None]
    for name, value in request.scope["headers"]:
        if name == b"authorization":
            auth = value
        elif (i := _SKILL.get(name)) is not None:
            skill[i] = value.decode("latin-1")
    attr = Attribution(*skill)
    store.accounts.attribution_seen[(attr.source, attr.version, attr.platform)] += 1
    request.scope["nemo.auth"] = (auth, attr)
    return auth, attr


def attribution(request: Request) -> Attribution:
    """The X-Skill-* headers (the backend uses them to recognise skill traffic), recorded once per request."""
    return _read(request, store_of(request))[1]


def authenticate(request: Request) -> User:
    """The user behind `Authorization: Bearer nmv_usr_…`, or 1001."""
    store = store_of(request)
    header = _read(request, store)[0]
    if not header:
        raise ApiError(Code.BAD_TOKEN, "missing Authorization header; send 'Authorization: Bearer nmv_usr_…'")
    scheme, _, value = header.decode("latin-1").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise ApiError(Code.BAD_TOKEN, "Authorization must be 'Bearer <token>'")
    return store.accounts.authenticate(value)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
