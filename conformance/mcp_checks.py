"""The target the MCP checks run against, and an OAuth 2.1 client of their own (protocol B.1).

The OAuth client here is plain HTTP on purpose: the checks see every status, header and error the server sends,
which a library client would hide or repair. Signing in needs someone to approve; on an emulator that is the
auto-approving sign-in (`login_hint` names a user the control plane made). Elsewhere (NEMO's live server) the
sign-in checks are skipped and the tool checks use a pre-obtained access token (`--nemo-mcp-token`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from nemo_client import McpConnection
from nemo_conformance.checks import ConformanceFailure, never_server_error
from nemo_conformance.target import Control

REDIRECT = "http://127.0.0.1:9/callback"
"""A loopback redirect (RFC 8252) nothing listens on: the checks read the redirect's Location themselves."""
CHALLENGE = re.compile(r'resource_metadata="([^"]+)"')


PROTOCOL_VERSION = "2025-06-18"
INITIALIZE = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
              "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                         "clientInfo": {"name": "nemo-conformance", "version": "1"}}}  # fmt: skip
ACCEPT = "application/json, text/event-stream"


def open_session(http: httpx.Client, endpoint: str, headers: dict[str, str]) -> dict[str, str]:
    """A Streamable HTTP session opened by hand (initialize, then initialized): the headers its requests carry."""
    r = http.post(endpoint, json=INITIALIZE, headers={**headers, "Accept": ACCEPT})
    if r.status_code != 200 or "mcp-session-id" not in r.headers:
        raise ConformanceFailure(f"initialize answered {r.status_code} without a session", r.text[:300])
    sent = {**headers, "Accept": ACCEPT, "Mcp-Session-Id": r.headers["mcp-session-id"],
            "MCP-Protocol-Version": PROTOCOL_VERSION}  # fmt: skip
    http.post(endpoint, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=sent)
    return sent


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def oauth_error(response: httpx.Response, status: int, *errors: str) -> None:
    """`response` is an OAuth error (RFC 6749 5.2): the status and one of the `error` values named."""
    __tracebackhide__ = True
    never_server_error(response)
    try:
        body = response.json()
    except ValueError:
        raise ConformanceFailure("an OAuth error is not JSON", response.text[:300]) from None
    if response.status_code != status or not isinstance(body, dict) or body.get("error") not in errors:
        raise ConformanceFailure(f"expected an OAuth {status} {' or '.join(errors)}",
                                 f"{response.status_code} {response.text[:300]}")  # fmt: skip


@dataclass
class OAuth:
    """One client's view of the authorization server: discovery, registration, sign-in, tokens."""

    http: httpx.Client
    resource: str
    """The MCP endpoint (<base>/mcp), the resource tokens are for."""
    metadata: dict[str, Any] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)

    def discover(self) -> dict[str, Any]:
        """Protected-resource metadata, then the authorization server's (RFC 9728, RFC 8414)."""
        split = urlsplit(self.resource)
        r = self.http.get(f"{split.scheme}://{split.netloc}/.well-known/oauth-protected-resource{split.path}")
        never_server_error(r)
        if r.status_code != 200:
            raise ConformanceFailure("no protected-resource metadata at the path-suffixed address", r.text[:300])
        issuer = str(r.json()["authorization_servers"][0]).rstrip("/")
        split = urlsplit(issuer)
        r = self.http.get(f"{split.scheme}://{split.netloc}/.well-known/oauth-authorization-server{split.path}")
        never_server_error(r)
        if r.status_code != 200:
            raise ConformanceFailure("no authorization-server metadata", r.text[:300])
        self.metadata = r.json()
        return self.metadata

    def register(self, **extra: Any) -> httpx.Response:
        body = {"client_name": "nemo-conformance", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], **extra}
        r = self.http.post(self.metadata["registration_endpoint"], json=body)
        never_server_error(r)
        if r.status_code in (200, 201):
            self.client = r.json()
        return r

    def authorize(self, challenge: str | None, *, method: str = "S256", login_hint: str | None = None,
                  scope: str | None = None) -> httpx.Response:  # fmt: skip
        """The authorization request; its answer (a redirect carrying a code or an error, or an error page)."""
        query = {"response_type": "code", "client_id": self.client["client_id"], "redirect_uri": REDIRECT,
                 "state": secrets.token_urlsafe(8), "resource": self.resource}
        if challenge is not None:
            query |= {"code_challenge": challenge, "code_challenge_method": method}
        if login_hint:
            query["login_hint"] = login_hint
        if scope:
            query["scope"] = scope
        r = self.http.get(f"{self.metadata['authorization_endpoint']}?{urlencode(query)}", follow_redirects=False)
        never_server_error(r)
        return r

    def code(self, challenge: str, login_hint: str, scope: str | None = None) -> str:
        r = self.authorize(challenge, login_hint=login_hint, scope=scope)
        query = parse_qs(urlsplit(r.headers.get("location", "")).query)
        if r.status_code not in (302, 303) or "code" not in query:
            raise ConformanceFailure("an approved sign-in did not redirect with a code",
                                     f"{r.status_code} {r.headers.get('location', '')[:200]} {r.text[:200]}")
        code: str = query["code"][0]
        return code

    def token(self, **form: str) -> httpx.Response:
        r = self.http.post(self.metadata["token_endpoint"], data={"client_id": self.client["client_id"], **form})
        never_server_error(r)
        return r

    def exchange(self, code: str, verifier: str) -> httpx.Response:
        return self.token(grant_type="authorization_code", code=code, code_verifier=verifier, redirect_uri=REDIRECT,
                          resource=self.resource)  # fmt: skip

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token, resource=self.resource)

    def sign_in(self, login_hint: str, scope: str | None = None) -> dict[str, Any]:
        """The whole flow, checked at each step; the token response."""
        if not self.metadata:
            self.discover()
        if not self.client:
            r = self.register()
            if r.status_code not in (200, 201):
                raise ConformanceFailure("dynamic client registration failed", r.text[:300])
        verifier, challenge = pkce()
        r = self.exchange(self.code(challenge, login_hint, scope), verifier)
        if r.status_code != 200:
            raise ConformanceFailure("exchanging a fresh code with its verifier failed", r.text[:300])
        tokens: dict[str, Any] = r.json()
        return tokens


@dataclass
class McpTarget:
    url: str
    """The server's base URL (the endpoint is <url>/mcp)."""
    token: str | None
    """A pre-obtained access token (a live run); None: users are made and signed in per check."""
    control: Control | None
    live: bool = False

    @property
    def endpoint(self) -> str:
        return f"{self.url}/mcp"

    @property
    def signs_in(self) -> bool:
        """Whether the checks can sign in without a person (an emulator's auto-approving sign-in)."""
        return self.control is not None

    def user(self, plan: str = "creator", credits: int = 100_000) -> dict[str, Any]:
        assert self.control is not None
        return self.control.create_user(f"mcp-{uuid.uuid4().hex[:12]}@conformance.test", plan, credits)

    def oauth(self, http: httpx.Client) -> OAuth:
        return OAuth(http, self.endpoint)

    def connect(self, plan: str = "creator", credits: int = 100_000, **options: Any) -> McpConnection:
        """The official SDK client, connected: with the run's token, or signed in as a new user through OAuth."""
        if self.token is not None:
            return McpConnection(self.url, token=self.token, **options)
        return McpConnection(self.url, login_hint=self.user(plan, credits)["email"], **options)

    def timers(self) -> AbstractContextManager[None]:
        return self.control.running() if self.control is not None else nullcontext()


def result_data(result: Any) -> dict[str, Any]:
    """A tool result's JSON: its structured content, else its first text block parsed."""
    __tracebackhide__ = True
    import json

    if isinstance(result.structured_content, dict):
        return result.structured_content
    for block in result.content:
        if block.type == "text":
            try:
                parsed = json.loads(block.text)
            except ValueError:
                break
            if isinstance(parsed, dict):
                return parsed
    raise ConformanceFailure("a tool result carries no JSON object", repr(result)[:300])


def tool_error(result: Any, *codes: int | str) -> dict[str, Any]:
    """`result` is a tool error (isError, B.4) with one of `codes` (as a number or in its named form)."""
    __tracebackhide__ = True
    if not result.is_error:
        raise ConformanceFailure(f"expected a tool error {codes}, got a result", repr(result.structured_content)[:300])
    data = result_data(result)
    if data.get("code") not in codes:
        raise ConformanceFailure(f"a tool error's code is {data.get('code')!r}, not one of {codes}", str(data)[:300])
    return data
