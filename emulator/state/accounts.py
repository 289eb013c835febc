"""Users, bearer tokens, claim tokens, anonymous-token limits and the credit ledger."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ApiError
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_protocol.codes import Code

LEDGER = 100
"""Ledger lines kept per user."""


@dataclass(slots=True)
class User:
    """An account; anonymous ones are `anon_…`. Credits: available + frozen = total; spent is history."""

    id: str
    anonymous: bool = True
    available: int = 0
    frozen: int = 0
    spent: int = 0

    def balance(self) -> dict[str, int]:
        return {"available": self.available, "frozen": self.frozen, "total": self.available + self.frozen}


@dataclass(slots=True)
class Token:
    value: str
    user_id: str
    expires_at: float
    scopes: tuple[str, ...] = ("read", "write", "upload")
    revoked: bool = False
    bucket: float = 0.0
    """Requests this token may still make at once (the rate limit's token bucket) ..."""
    bucket_at: float = 0.0
    """... as of this virtual time (0: never used, the bucket is full)."""


@dataclass(frozen=True, slots=True)
class Attribution:
    """The X-Skill-* headers a request carried (what the backend uses to recognise skill traffic)."""

    source: str | None = None
    version: str | None = None
    platform: str | None = None


NO_ATTRIBUTION = Attribution()


@dataclass
class Accounts:
    """Who may call the API, and with how many credits."""

    settings: Settings
    clock: VirtualClock
    ids: Ids
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    claims: dict[str, tuple[str, str, str, float]] = field(default_factory=dict)
    """claim token -> (user_id, task_id, session_id, expires_at)."""
    _by_client: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    _by_ip: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ledger: dict[str, list[tuple[float, str, int, str, int]]] = field(default_factory=dict)
    """user id -> the last (time, what, credits, why, available after): grants, freezes, charges, refunds and
    top-ups, for the inspector; not persisted."""
    client_users: dict[str, str] = field(default_factory=dict)
    """X-Client-Id -> the anonymous user it was given (re-acquiring a token gets the same user back)."""
    attribution_seen: dict[tuple[str | None, str | None, str | None], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    """Requests that carried X-Skill-* headers, per (source, version, platform)."""

    def issue_anonymous(self, client_id: str, ip: str) -> tuple[Token, User]:
        """A new anonymous user and token, within the per-client and per-IP limits (§3.1)."""
        now = self.clock.now()
        since = now - self.settings.anon_window_s
        client_hist = [(t, tok) for t, tok in self._by_client[client_id] if t > since]
        ip_hist = [t for t in self._by_ip[ip] if t > since]
        self._by_client[client_id], self._by_ip[ip] = client_hist, ip_hist
        if len(client_hist) >= self.settings.anon_per_client_limit:
            if self.settings.anonymous_reissue == "return_existing":
                token = self.tokens[client_hist[-1][1]]
                if token.expires_at > now:
                    return token, self.users[token.user_id]
            retry = int(client_hist[0][0] + self.settings.anon_window_s - now) + 1
            raise ApiError(
                Code.RATE_LIMITED,
                "this X-Client-Id already received an anonymous token in the last 7 days; reuse it",
                headers={"Retry-After": str(retry)},
            )
        if len(ip_hist) >= self.settings.anon_per_ip_limit:
            retry = int(ip_hist[0] + self.settings.anon_window_s - now) + 1
            raise ApiError(
                Code.RATE_LIMITED,
                f"at most {self.settings.anon_per_ip_limit} anonymous tokens per IP per 7 days",
                headers={"Retry-After": str(retry)},
            )
        known = self.users.get(self.client_users.get(client_id, ""))
        if known is not None and self.settings.reacquire_same_user:
            user = known
        else:
            user = User(self.ids.anon_user(), available=self.settings.initial_credits)
            self.client_users[client_id] = user.id
        token = Token(self.ids.user_token(), user.id, now + self.settings.token_ttl_s)
        if user.id not in self.users:
            self.record(user, "grant", user.available, "free credits")
        self.users[user.id] = user
        self.tokens[token.value] = token
        self._by_client[client_id].append((now, token.value))
        self._by_ip[ip].append(now)
        return token, user

    def authenticate(self, token_value: str) -> User:
        """The user behind a bearer token, or 1001 for anything else (claim tokens included)."""
        token = self.tokens.get(token_value)
        if token is None:
            if token_value.startswith("clm_"):
                raise ApiError(Code.BAD_TOKEN, "claim tokens (clm_…) open the web app only; they cannot call the API")
            raise ApiError(Code.BAD_TOKEN, "unknown token; get one from POST /api/auth/anonymous-token")
        if token.revoked:
            raise ApiError(Code.BAD_TOKEN, "token revoked; get a new one from POST /api/auth/anonymous-token")
        now = self.clock.now()
        if token.expires_at <= now:
            raise ApiError(Code.BAD_TOKEN, "token expired; request a new one with the same X-Client-Id")
        limit = self.settings.rate_limit_per_minute
        if limit:
            # a token bucket per token on the virtual clock: `limit` at once, refilled at `limit` a minute (inline:
            # this runs on every authenticated request; bucket_at 0, a token never used, makes the bucket full)
            level = token.bucket + (now - token.bucket_at) * limit / 60
            if level > limit:
                level = limit
            if level < 1:
                level = self._over_the_limit(limit)
            token.bucket, token.bucket_at = level - 1, now
        return self.users[token.user_id]

    def _over_the_limit(self, limit: int) -> float:
        """429 with Retry-After (unless the no_rate_limit mutation lets the request through)."""
        if self.settings.mutation == "no_rate_limit":
            return 1.0
        wait = self.settings.rate_limit_retry_after_s
        raise ApiError(
            Code.RATE_LIMITED,
            f"more than {limit} requests a minute with this token; wait {wait} s and retry once",
            headers={"Retry-After": str(wait)},
        )

    def issue_claim(self, user: User, task_id: str, session_id: str) -> str:
        value = self.ids.claim_token()
        self.claims[value] = (user.id, task_id, session_id, self.clock.now() + self.settings.claim_token_ttl_s)
        return value

    def record(self, user: User, what: str, amount: int, why: str = "") -> None:
        """One line of the user's ledger."""
        lines = self.ledger.setdefault(user.id, [])
        lines.append((self.clock.now(), what, amount, why, user.available))
        if len(lines) > 2 * LEDGER:
            del lines[:-LEDGER]

    def ledger_view(self, user_id: str) -> list[dict[str, Any]]:
        """The newest LEDGER lines of a user's ledger as JSON."""
        keys = ("t", "what", "amount", "why", "available")
        return [dict(zip(keys, line, strict=True)) for line in self.ledger.get(user_id, [])[-LEDGER:]]

    def freeze(self, user: User, cost: int, why: str = "") -> None:
        """Reserve `cost` for a running tool, or 2001."""
        if user.available < cost:
            raise ApiError(
                Code.INSUFFICIENT_CREDITS,
                f"needs {cost} credits, {user.available} available; register (anonymous) or top up",
            )
        user.available -= cost
        user.frozen += cost
        self.record(user, "freeze", cost, why)

    def settle(self, user: User, cost: int, *, charge: bool, why: str = "") -> None:
        """Release a reservation: charge it on success, refund it otherwise."""
        user.frozen -= cost
        if charge:
            user.spent += cost
        else:
            user.available += cost
        self.record(user, "charge" if charge else "refund", cost, why)
