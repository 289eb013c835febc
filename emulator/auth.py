"""Bearer parsing, token lookup and X-Skill-* attribution, for every API route."""

from __future__ import annotations

from starlette.requests import Request

from client.codes import Code
from emulator.errors import ApiError
from emulator.state.accounts import Attribution, User
from emulator.state.store import Store


def store_of(request: Request) -> Store:
    """The Store of the app serving `request`."""
    store: Store = request.app.state.store
    return store


def attribution(request: Request) -> Attribution:
    """Read and record the X-Skill-* headers (the backend uses them to recognise skill traffic)."""
    h = request.headers
    attr = Attribution(h.get("x-skill-source"), h.get("x-skill-version"), h.get("x-skill-platform"))
    store_of(request).accounts.attribution_seen[(attr.source, attr.version, attr.platform)] += 1
    return attr


def authenticate(request: Request) -> User:
    """The user behind `Authorization: Bearer nmv_usr_…`, or 1001."""
    attribution(request)
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(Code.BAD_TOKEN, "missing Authorization header; send 'Authorization: Bearer nmv_usr_…'")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise ApiError(Code.BAD_TOKEN, "Authorization must be 'Bearer <token>'")
    return store_of(request).accounts.authenticate(value)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
