"""Who may use the gateway: registered users with an API token (`nmv_usr_…`, protocol A.1), sent as a bearer on
HTTP and as the `token` query parameter on /ws/chat. Anonymous tokens are refused (1010), expired ones are 1011."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from nemo_emulator.errors import ApiError
from nemo_emulator.state.accounts import User
from nemo_emulator.web.auth import bearer, store_of
from nemo_protocol.gateway import GatewayCode

HINT = "create a registered user and its token with POST /_emulator/users (or `nemo-emulator user add`)"


def paid_user(conn: HTTPConnection, token: str | None = None) -> User:
    """The registered user behind `token` (else the request's bearer), within the rate limit; 1010 or 1011."""
    store = store_of(conn)
    value = bearer(conn) if token is None else token
    found = store.accounts.token_of(value)
    if found is None or found.revoked:
        raise ApiError(GatewayCode.BAD_TOKEN, f"invalid token: unknown or revoked; {HINT}")
    if found.expires_at <= store.clock.now():
        raise ApiError(GatewayCode.TOKEN_EXPIRED, f"token has expired; {HINT}")
    if store.accounts.users[found.user_id].anonymous:
        raise ApiError(GatewayCode.BAD_TOKEN, f"invalid token: anonymous tokens cannot use the gateway; {HINT}")
    return store.accounts.authenticate(value)
