"""The MCP server's OAuth 2.1 state (protocol B.1): registered clients, authorization codes, and grants with their
access and refresh tokens, on the virtual clock.

An access token lives `mcp_access_ttl_s` (1 h), a refresh token `mcp_refresh_ttl_s` (30 days). Refreshing rotates
both; presenting a refresh token that was already rotated is a replay, which revokes its whole grant (the family
of tokens from that sign-in). Every secret comes from `secrets`. Everything is bounded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.settings import Settings

MAX_CLIENTS = 1000
MAX_GRANTS = 5000
MAX_PENDING = 200


def _secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


@dataclass(slots=True)
class AuthCode:
    code: str
    client_id: str
    user_id: str
    scopes: list[str]
    challenge: str
    redirect_uri: str
    redirect_explicit: bool
    resource: str | None
    expires_at: float


@dataclass(slots=True)
class Grant:
    """One sign-in of a user to a client: the family its tokens belong to."""

    id: str
    client_id: str
    user_id: str
    scopes: list[str]
    created_at: float
    resource: str | None = None
    revoked: bool = False
    refreshed: int = 0


@dataclass(slots=True)
class Issued:
    token: str
    grant_id: str
    expires_at: float
    rotated: bool = False
    """For refresh tokens: already exchanged (presenting it again is a replay)."""


@dataclass
class OAuth:
    settings: Settings
    clock: VirtualClock
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    """client_id -> its registration (RFC 7591 client information, as JSON)."""
    codes: dict[str, AuthCode] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, Issued] = field(default_factory=dict)
    refresh: dict[str, Issued] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Consent requests waiting on the consent page (id -> client and parameters)."""
    consent: str | None = None
    """The control plane's override of Settings.mcp_consent (auto, page or deny)."""

    def register(self, info: dict[str, Any]) -> None:
        if len(self.clients) >= MAX_CLIENTS:
            del self.clients[next(iter(self.clients))]
        self.clients[str(info["client_id"])] = info

    def issue_code(self, client_id: str, user_id: str, scopes: list[str], challenge: str, redirect_uri: str,
                   redirect_explicit: bool, resource: str | None) -> AuthCode:  # fmt: skip
        now = self.clock.now()
        self.codes = {k: c for k, c in self.codes.items() if c.expires_at > now}
        code = AuthCode(_secret("mcp_code_"), client_id, user_id, scopes, challenge, redirect_uri, redirect_explicit,
                        resource, now + self.settings.mcp_code_ttl_s)  # fmt: skip
        self.codes[code.code] = code
        return code

    def code(self, value: str, client_id: str) -> AuthCode | None:
        found = self.codes.get(value)
        if found is None or found.client_id != client_id or found.expires_at <= self.clock.now():
            return None
        return found

    def _tokens(self, grant: Grant) -> tuple[Issued, Issued]:
        now = self.clock.now()
        access = Issued(_secret("mcp_at_"), grant.id, now + self.settings.mcp_access_ttl_s)
        refresh = Issued(_secret("mcp_rt_"), grant.id, now + self.settings.mcp_refresh_ttl_s)
        self.access[access.token] = access
        self.refresh[refresh.token] = refresh
        return access, refresh

    def exchange_code(self, code: AuthCode) -> tuple[Grant, Issued, Issued]:
        """A code, used once, becomes a grant with its first tokens."""
        del self.codes[code.code]
        if len(self.grants) >= MAX_GRANTS:
            self._forget(next(iter(self.grants)))
        grant = Grant(_secret("grant_")[:24], code.client_id, code.user_id, code.scopes, self.clock.now(),
                      code.resource)  # fmt: skip
        self.grants[grant.id] = grant
        return (grant, *self._tokens(grant))

    def refresh_token(self, value: str, client_id: str) -> Issued | None:
        """The refresh token if it may be exchanged. A rotated one is a replay: its grant is revoked."""
        found = self.refresh.get(value)
        if found is None:
            return None
        grant = self.grants.get(found.grant_id)
        if grant is None or grant.client_id != client_id or grant.revoked:
            return None
        if found.rotated:
            if self.settings.mcp_refresh_reuse_detection:
                self.revoke_grant(grant.id)
                return None
            found.rotated = False  # lenient: an old refresh token is exchanged again
        if found.expires_at <= self.clock.now():
            return None
        return found

    def rotate(self, old: Issued, scopes: list[str] | None = None) -> tuple[Grant, Issued, Issued]:
        """New access and refresh tokens for the grant; the old refresh token is spent."""
        grant = self.grants[old.grant_id]
        old.rotated = True
        for token, issued in list(self.access.items()):
            if issued.grant_id == grant.id:
                del self.access[token]
        if scopes:
            grant.scopes = [s for s in grant.scopes if s in scopes]
        grant.refreshed += 1
        return (grant, *self._tokens(grant))

    def grant_of(self, access_token: str) -> Grant | None:
        """The live grant behind an access token, or None (unknown, expired, revoked)."""
        issued = self.access.get(access_token)
        if issued is None or issued.expires_at <= self.clock.now():
            return None
        grant = self.grants.get(issued.grant_id)
        return grant if grant is not None and not grant.revoked else None

    def revoke_token(self, value: str) -> None:
        """RFC 7009: revoking either token of a grant revokes the grant (every token of it)."""
        issued = self.access.get(value) or self.refresh.get(value)
        if issued is not None:
            self.revoke_grant(issued.grant_id)

    def revoke_grant(self, grant_id: str) -> None:
        grant = self.grants.get(grant_id)
        if grant is not None:
            grant.revoked = True
        for table in (self.access, self.refresh):
            for token, issued in list(table.items()):
                if issued.grant_id == grant_id:
                    del table[token]

    def revoke_user(self, user_id: str) -> int:
        ids = [g.id for g in self.grants.values() if g.user_id == user_id and not g.revoked]
        for grant_id in ids:
            self.revoke_grant(grant_id)
        return len(ids)

    def expire_user(self, user_id: str) -> int:
        """Make a user's access tokens expire now (refresh tokens still work): a client must refresh."""
        grants = {g.id for g in self.grants.values() if g.user_id == user_id}
        now = self.clock.now()
        count = 0
        for issued in self.access.values():
            if issued.grant_id in grants:
                issued.expires_at = now
                count += 1
        return count

    def expire_token(self, value: str) -> bool:
        """Make one access token expire now (an injected fault)."""
        issued = self.access.get(value)
        if issued is not None:
            issued.expires_at = self.clock.now()
        return issued is not None

    def _forget(self, grant_id: str) -> None:
        self.revoke_grant(grant_id)
        self.grants.pop(grant_id, None)

    def ask(self, client_id: str, params: dict[str, Any]) -> str:
        """A consent request for the consent page; its id."""
        if len(self.pending) >= MAX_PENDING:
            del self.pending[next(iter(self.pending))]
        request_id = secrets.token_urlsafe(16)
        self.pending[request_id] = {"client_id": client_id, **params}
        return request_id

    def view(self) -> dict[str, Any]:
        """Clients, grants and tokens, for the inspector (no secret is shown)."""
        now = self.clock.now()
        grants = [{"id": g.id, "client_id": g.client_id, "user_id": g.user_id, "scopes": g.scopes,
                   "revoked": g.revoked, "refreshed": g.refreshed, "created_at": g.created_at,
                   "access_tokens": sum(1 for a in self.access.values() if a.grant_id == g.id and a.expires_at > now),
                   "refresh_tokens": sum(1 for r in self.refresh.values() if r.grant_id == g.id and not r.rotated)}
                  for g in self.grants.values()]  # fmt: skip
        clients = [{"client_id": k, "client_name": v.get("client_name"), "redirect_uris": v.get("redirect_uris")}
                   for k, v in self.clients.items()]  # fmt: skip
        return {"clients": clients, "grants": grants}
