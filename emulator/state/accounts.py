"""Users, bearer tokens, claim tokens, anonymous-token limits and the credit ledger.

Two kinds of user share one model (protocol Appendix C): anonymous users (`anon_…`, mega API only) and registered
users (`usr_…`, with a plan and an e-mail, made through the control plane), whose `nmv_usr_…` API tokens work on the
mega API and the gateway, and who sign in to the MCP server. Every surface spends from the same balance, and each
change is a line of the user's ledger (ledger.py), of which the gateway's usage history is a view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ApiError
from nemo_emulator.ids import Ids
from nemo_emulator.settings import Settings
from nemo_emulator.state.ledger import Ledger
from nemo_protocol.codes import Code

Plan = Literal["free", "starter", "pro", "creator"]
PLANS: tuple[Plan, ...] = ("free", "starter", "pro", "creator")
_OTHER = ("<other>", None, None)
"""Where attribution triples beyond max_attribution_values are counted."""


@dataclass(slots=True)
class User:
    """An account; anonymous ones are `anon_…`. Credits: available + frozen = total; spent and granted are history."""

    id: str
    anonymous: bool = True
    available: int = 0
    frozen: int = 0
    spent: int = 0
    granted: int = 0
    plan: str = "free"
    email: str | None = None
    ip: str | None = None
    """The address an anonymous user's first token went to (anonymous users of one IP share a render cap)."""
    created_at: float = 0.0

    def balance(self) -> dict[str, int]:
        return {"available": self.available, "frozen": self.frozen, "total": self.available + self.frozen}

    def billing(self) -> dict[str, int]:
        """The gateway's and the MCP server's reading of the same balance."""
        return {"available": self.available, "frozen": self.frozen, "total_granted": self.granted,
                "total_consumed": self.spent}  # fmt: skip


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
    kind: str = "anonymous"
    """`anonymous` (from /api/auth/anonymous-token) or `api` (a registered user's API token)."""


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
    ledger: Ledger = field(default_factory=Ledger)
    client_users: dict[str, str] = field(default_factory=dict)
    """X-Client-Id -> the anonymous user it was given (re-acquiring a token gets the same user back)."""
    attribution_seen: dict[tuple[str | None, str | None, str | None], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    """Requests that carried X-Skill-* headers, per (source, version, platform); at most max_attribution_values
    triples, the rest counted together."""

    def count_attribution(self, source: str | None, version: str | None, platform: str | None) -> None:
        key = (source, version, platform)
        seen = self.attribution_seen
        if key not in seen and len(seen) >= self.settings.max_attribution_values:
            key = _OTHER
        seen[key] += 1

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
            user = User(self.ids.anon_user(), ip=ip, created_at=now)
            self.client_users[client_id] = user.id
        token = Token(self.ids.user_token(), user.id, now + self.settings.token_ttl_s)
        if user.id not in self.users:
            self.users[user.id] = user
            self.grant(user, self.settings.initial_credits, "welcome")
        self.tokens[token.value] = token
        self._by_client[client_id].append((now, token.value))
        self._by_ip[ip].append(now)
        return token, user

    def register(self, email: str, plan: str, credits: int) -> tuple[User, Token]:
        """A registered user with an API token (the control plane's POST /_emulator/users)."""
        if plan not in PLANS:
            raise ApiError(Code.BAD_REQUEST, f"plan must be one of {', '.join(PLANS)}")
        if any(u.email == email for u in self.users.values()):
            raise ApiError(Code.CONFLICT, f"a user with the e-mail {email[:100]!r} exists already")
        now = self.clock.now()
        user = User(self.ids.registered_user(), anonymous=False, plan=plan, email=email, created_at=now)
        self.users[user.id] = user
        self.grant(user, credits, "welcome")
        return user, self.api_token(user)

    def api_token(self, user: User) -> Token:
        """A new API token for a registered user (any number of them may be valid at once)."""
        token = Token(self.ids.user_token(), user.id, self.clock.now() + self.settings.api_token_ttl_s,
                      scopes=("*",), kind="api")  # fmt: skip
        self.tokens[token.value] = token
        return token

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email and not u.anonymous), None)

    def registered(self) -> list[User]:
        return [u for u in self.users.values() if not u.anonymous]

    def anonymous_of_ip(self, user: User) -> set[str]:
        """The anonymous users whose first token went to `user`'s IP (they share a render cap)."""
        if user.ip is None:
            return {user.id}
        return {u.id for u in self.users.values() if u.anonymous and u.ip == user.ip}

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
                wait = self.settings.rate_limit_retry_after_s
                raise ApiError(Code.RATE_LIMITED, f"more than {limit} requests a minute with this token; wait "
                                                  f"{wait} s and retry once", headers={"Retry-After": str(wait)})
            token.bucket, token.bucket_at = level - 1, now
        return self.users[token.user_id]

    def token_of(self, token_value: str) -> Token | None:
        return self.tokens.get(token_value)

    def issue_claim(self, user: User, task_id: str, session_id: str) -> str:
        value = self.ids.claim_token()
        self.claims[value] = (user.id, task_id, session_id, self.clock.now() + self.settings.claim_token_ttl_s)
        return value

    def top_up_hint(self, user: User) -> str:
        """Where a user out of credits gets more: the web app's page, and on this emulator the control plane."""
        here = f'on this emulator: POST /_emulator/credits {{"user_id": "{user.id}", "credits": 500}}'
        if user.anonymous:
            return f"register at https://nemovideo.com/register?bind={user.id} to keep your work ({here})"
        return f"top up at https://nemovideo.com/dashboard/billing ({here})"

    def grant(self, user: User, amount: int, source: str, what: str = "grant") -> None:
        """Credits given (a welcome gift, a top-up): available and total granted grow."""
        user.available += amount
        user.granted += amount
        self.ledger.add(user.id, self.clock.now(), what, amount, source, user.available)

    def set_credits(self, user: User, amount: int) -> None:
        """The control plane's top-up: available becomes `amount` (a grant of the difference, or an expiry)."""
        change = amount - user.available
        if change >= 0:
            self.grant(user, change, "admin", what="top-up")
        else:
            user.available = amount
            self.ledger.add(user.id, self.clock.now(), "expire", change, "admin", user.available)

    def freeze(self, user: User, cost: int, why: str = "") -> None:
        """Reserve `cost` for a running tool, or 2001."""
        if user.available < cost:
            raise ApiError(Code.INSUFFICIENT_CREDITS, f"needs {cost} credits, {user.available} available; "
                                                      f"{self.top_up_hint(user)}")  # fmt: skip
        user.available -= cost
        user.frozen += cost
        self.ledger.add(user.id, self.clock.now(), "freeze", cost, why, user.available)

    def settle(self, user: User, cost: int, *, charge: bool, why: str = "", turn: dict[str, Any] | None = None) -> None:
        """Release a reservation: charge it on success (in the turn's conversation), refund it otherwise."""
        user.frozen -= cost
        if charge:
            user.spent += cost
        else:
            user.available += cost
        self.ledger.add(user.id, self.clock.now(), "charge" if charge else "refund", cost, why, user.available, turn)

    def charge(self, user: User, cost: int, why: str, context: dict[str, Any] | None = None) -> None:
        """Spend `cost` at once (a billed MCP tool), or 2001."""
        self.freeze(user, cost, why)
        self.settle(user, cost, charge=True, why=why, turn=context)
