"""The MCP server's OAuth 2.1 authorization server (protocol B.1), at NEMO's paths, on the official SDK's handlers.

The SDK's handlers do the protocol (dynamic client registration, the authorize request, PKCE S256, the token and
revocation endpoints, their errors); `Provider` answers them from the store's OAuth state (state/oauth.py) on the
virtual clock. Sign-in approves a registered user at once (`login_hint` names one; else Settings.mcp_user; else the
newest), shows a consent page, or is denied (Settings.mcp_consent, or the control plane's override).

The SDK's handlers compare some expiries with the wall clock; the emulator keeps its own expiries on the virtual
clock and hands the SDK none to compare (or one far off), so that only virtual time decides.
"""

from __future__ import annotations

import contextvars
import html
from typing import Any
from urllib.parse import urlencode

from mcp.server.auth.handlers.authorize import AuthorizationHandler
from mcp.server.auth.handlers.register import RegistrationHandler
from mcp.server.auth.handlers.token import TokenHandler
from mcp.server.auth.middleware.client_auth import AuthenticationError, ClientAuthenticator
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.routes import build_metadata, cors_middleware
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.server.transport_security import RequestBodyLimitMiddleware
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken, ProtectedResourceMetadata
from mcp.shared.inbound import MCP_PROTOCOL_VERSION_HEADER
from pydantic import AnyHttpUrl
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, request_response

from nemo_emulator.clock import VirtualClock
from nemo_emulator.state.accounts import User
from nemo_emulator.state.store import Store
from nemo_emulator.web.auth import store_of
from nemo_protocol.mcp import PLATFORM_SCOPES, RESOURCE_PATH, SCOPES

_HINT: contextvars.ContextVar[str | None] = contextvars.ContextVar("login_hint", default=None)
_STORE: contextvars.ContextVar[Store | None] = contextvars.ContextVar("oauth_store", default=None)
_BASE: contextvars.ContextVar[str] = contextvars.ContextVar("oauth_base", default="")
MAX_BODY = 64 * 1024


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def granted_scopes(user: User, asked: list[str] | None) -> list[str]:
    """What a sign-in grants: what was asked (all scopes when nothing was), but platform scopes only to creators."""
    wanted = [s for s in (asked or SCOPES) if s in SCOPES]
    return [s for s in wanted if user.plan == "creator" or s not in PLATFORM_SCOPES]


def signing_user(store: Store, hint: str | None) -> User | None:
    """Who signs in: the user `login_hint` names (e-mail or id), else Settings.mcp_user, else the newest one."""
    accounts = store.accounts
    if hint:
        return accounts.by_email(hint) or next((u for u in accounts.registered() if u.id == hint), None)
    if store.settings.mcp_user:
        return accounts.by_email(store.settings.mcp_user)
    registered = accounts.registered()
    return registered[-1] if registered else None


class Provider:
    """The SDK's OAuthAuthorizationServerProvider over the store of the request being served."""

    @property
    def store(self) -> Store:
        store = _STORE.get()
        assert store is not None, "Provider used outside a request (bind the store first)"
        return store

    @property
    def clock(self) -> VirtualClock:
        return self.store.clock

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        info = self.store.oauth.clients.get(client_id)
        return None if info is None else OAuthClientInformationFull.model_validate(info)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        info = client_info.model_dump(mode="json")
        info["client_secret_expires_at"] = None  # the SDK would compare it with the wall clock
        self.store.oauth.register(info)
        self.store.commit()

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        store = self.store
        mode = store.oauth.consent or store.settings.mcp_consent
        if mode == "deny":
            raise AuthorizeError("access_denied", "the user did not approve (the emulator's consent is set to deny)")
        user = signing_user(store, _HINT.get())
        if user is None:
            raise AuthorizeError("access_denied", "no registered user to sign in as: create one with POST "
                                                  "/_emulator/users, or name one with login_hint")  # fmt: skip
        if mode == "page":
            request_id = store.oauth.ask(str(client.client_id), {"params": params.model_dump(mode="json"),
                                                                  "user_id": user.id})  # fmt: skip
            return f"{_BASE.get()}/oauth/consent?{urlencode({'request': request_id})}"
        return self.approve(str(client.client_id), params, user)

    def approve(self, client_id: str, params: AuthorizationParams, user: User) -> str:
        """Issue the code and the redirect that carries it."""
        code = self.store.oauth.issue_code(client_id, user.id, granted_scopes(user, params.scopes),
                                           params.code_challenge, str(params.redirect_uri),
                                           params.redirect_uri_provided_explicitly, params.resource)  # fmt: skip
        self.store.commit()
        return construct_redirect_uri(str(params.redirect_uri), code=code.code, state=params.state)

    async def load_authorization_code(self, client: OAuthClientInformationFull, authorization_code: str
                                      ) -> AuthorizationCode | None:  # fmt: skip
        code = self.store.oauth.code(authorization_code, str(client.client_id))
        if code is None:
            return None
        return AuthorizationCode(code=code.code, scopes=code.scopes, expires_at=self.clock.real_epoch() + 3600,
                                 client_id=code.client_id, code_challenge=code.challenge,
                                 redirect_uri=AnyHttpUrl(code.redirect_uri),
                                 redirect_uri_provided_explicitly=code.redirect_explicit, resource=code.resource,
                                 subject=code.user_id)  # fmt: skip

    def _token(self, access: Any, refresh: Any, scopes: list[str]) -> OAuthToken:
        self.store.commit()
        return OAuthToken(access_token=access.token, token_type="Bearer",
                          expires_in=int(self.store.settings.mcp_access_ttl_s), scope=" ".join(scopes),
                          refresh_token=refresh.token)  # fmt: skip

    async def exchange_authorization_code(self, client: OAuthClientInformationFull,
                                          authorization_code: AuthorizationCode) -> OAuthToken:  # fmt: skip
        code = self.store.oauth.code(authorization_code.code, str(client.client_id))
        assert code is not None
        grant, access, refresh = self.store.oauth.exchange_code(code)
        return self._token(access, refresh, grant.scopes)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str
                                 ) -> RefreshToken | None:  # fmt: skip
        issued = self.store.oauth.refresh_token(refresh_token, str(client.client_id))
        if issued is None:
            self.store.commit()  # a replay revoked its grant
            return None
        grant = self.store.oauth.grants[issued.grant_id]
        return RefreshToken(token=issued.token, client_id=grant.client_id, scopes=grant.scopes,
                            resource=grant.resource, subject=grant.user_id)  # fmt: skip

    async def exchange_refresh_token(self, client: OAuthClientInformationFull, refresh_token: RefreshToken,
                                     scopes: list[str]) -> OAuthToken:  # fmt: skip
        issued = self.store.oauth.refresh[refresh_token.token]
        grant, access, refresh = self.store.oauth.rotate(issued, scopes)
        return self._token(access, refresh, grant.scopes)

    async def load_access_token(self, token: str) -> AccessToken | None:
        grant = self.store.oauth.grant_of(token)
        if grant is None:
            return None
        return AccessToken(token=token, client_id=grant.client_id, scopes=grant.scopes, resource=grant.resource,
                           subject=grant.user_id)  # fmt: skip

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        self.store.oauth.revoke_token(token.token)
        self.store.commit()


PROVIDER = Provider()
"""Stateless: it reads the store of the request it serves (bound by `_bound`)."""
_REGISTRATION = ClientRegistrationOptions(enabled=True, valid_scopes=list(SCOPES), default_scopes=list(SCOPES))
_AUTHENTICATOR = ClientAuthenticator(PROVIDER)  # type: ignore[arg-type]
_AUTHORIZE = AuthorizationHandler(PROVIDER)  # type: ignore[arg-type]
_TOKEN = TokenHandler(PROVIDER, _AUTHENTICATOR)  # type: ignore[arg-type]
_REGISTER = RegistrationHandler(PROVIDER, options=_REGISTRATION)  # type: ignore[arg-type]


async def _revoke(request: Request) -> Response:
    """RFC 7009 revocation. The SDK's RevocationHandler requires a `client_secret` field even from a public client
    (token_endpoint_auth_method=none, which every DCR client here is; modelcontextprotocol/python-sdk#3508), so this
    thin handler uses its ClientAuthenticator and the provider, and answers as RFC 7009 says: 200 for any token."""
    try:
        client = await _AUTHENTICATOR.authenticate_request(request)
    except AuthenticationError as exc:
        return JSONResponse({"error": "invalid_client", "error_description": exc.message}, status_code=401)
    form = await request.form()
    token = form.get("token")
    if not isinstance(token, str) or not token:
        return JSONResponse({"error": "invalid_request", "error_description": "token: Field required"},
                            status_code=400)  # fmt: skip
    found: AccessToken | RefreshToken | None = await PROVIDER.load_access_token(token)
    if found is None:
        found = await PROVIDER.load_refresh_token(client, token)
    if found is not None and found.client_id == client.client_id:
        await PROVIDER.revoke_token(found)
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


def _bound(handler: Any) -> Any:
    """A handler of the SDK's with the request's store (and login_hint) bound for the provider."""

    async def run(request: Request) -> Response:
        tokens = (_STORE.set(store_of(request)), _HINT.set(request.query_params.get("login_hint")),
                  _BASE.set(base_url(request)))  # fmt: skip
        try:
            response: Response = await handler(request)
            return response
        finally:
            _BASE.reset(tokens[2])
            _HINT.reset(tokens[1])
            _STORE.reset(tokens[0])

    return run


def _endpoint(handler: Any, *, cors: bool = False) -> Any:
    """An SDK handler as an ASGI endpoint: the store bound, the body bounded, and (for the endpoints clients call
    from a browser) CORS, as the SDK's own routes have it."""
    app = RequestBodyLimitMiddleware(request_response(_bound(handler)), MAX_BODY)
    if not cors:
        return app
    return CORSMiddleware(app, allow_origins="*", allow_methods=_POST, allow_headers=[MCP_PROTOCOL_VERSION_HEADER])


def server_metadata(request: Request) -> dict[str, Any]:
    base = base_url(request)
    metadata = build_metadata(AnyHttpUrl(base), None, _REGISTRATION, RevocationOptions(enabled=True))
    metadata.authorization_endpoint = AnyHttpUrl(f"{base}/oauth/authorize")
    metadata.token_endpoint = AnyHttpUrl(f"{base}/oauth/token")
    metadata.registration_endpoint = AnyHttpUrl(f"{base}/oauth/register")
    metadata.revocation_endpoint = AnyHttpUrl(f"{base}/oauth/revoke")
    return metadata.model_dump(mode="json", exclude_none=True)


async def authorization_server(request: Request) -> Response:
    return JSONResponse(server_metadata(request))


def resource_metadata_url(request: Request) -> str:
    return f"{base_url(request)}/.well-known/oauth-protected-resource{RESOURCE_PATH}"


async def protected_resource(request: Request) -> Response:
    base = base_url(request)
    metadata = ProtectedResourceMetadata(resource=AnyHttpUrl(base + RESOURCE_PATH),
                                         authorization_servers=[AnyHttpUrl(base)], scopes_supported=list(SCOPES),
                                         resource_name="NemoVideo (nemo-emulator)")  # fmt: skip
    return JSONResponse(metadata.model_dump(mode="json", exclude_none=True))


async def consent(request: Request) -> Response:
    """The consent page (Settings.mcp_consent=page): who signs in, what is asked, Approve or Deny."""
    store = store_of(request)
    request_id = request.query_params.get("request") if request.method == "GET" else (await request.form()).get(
        "request")  # fmt: skip
    pending = store.oauth.pending.get(str(request_id or ""))
    if pending is None:
        return HTMLResponse("<h1>This sign-in request has expired</h1>", status_code=400)
    params = AuthorizationParams.model_validate(pending["params"])
    if request.method == "POST":
        form = await request.form()
        store.oauth.pending.pop(str(request_id), None)
        if form.get("decision") != "approve":
            return RedirectResponse(construct_redirect_uri(str(params.redirect_uri), error="access_denied",
                                                           state=params.state), status_code=302)  # fmt: skip
        user = store.accounts.users[pending["user_id"]]
        _STORE.set(store)
        return RedirectResponse(PROVIDER.approve(pending["client_id"], params, user), status_code=302)
    user = store.accounts.users[pending["user_id"]]
    client = store.oauth.clients.get(pending["client_id"], {})
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in granted_scopes(user, params.scopes))
    page = f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign in to NemoVideo (emulator)</title>
<body style="font: 16px system-ui; max-width: 32em; margin: 3em auto">
<h1>Allow {html.escape(str(client.get('client_name') or 'this application'))}?</h1>
<p>It asks to act as <strong>{html.escape(user.email or user.id)}</strong> ({html.escape(user.plan)} plan) with:</p>
<ul>{scopes}</ul>
<form method="post" action="/oauth/consent"><input type="hidden" name="request" value="{html.escape(str(request_id))}">
<button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button></form>
</body></html>"""
    return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'none'; form-action 'self'",
                                       "X-Frame-Options": "DENY"})  # fmt: skip


_META = ["GET", "OPTIONS"]
_POST = ["POST", "OPTIONS"]
routes = [
    Route("/.well-known/oauth-authorization-server", cors_middleware(authorization_server, _META), methods=_META),
    Route(f"/.well-known/oauth-protected-resource{RESOURCE_PATH}", cors_middleware(protected_resource, _META),
          methods=_META),
    Route("/.well-known/oauth-protected-resource", cors_middleware(protected_resource, _META), methods=_META),
    Route("/oauth/authorize", _endpoint(_AUTHORIZE.handle), methods=["GET", "POST"]),
    Route("/oauth/token", _endpoint(_TOKEN.handle, cors=True), methods=_POST),
    Route("/oauth/register", _endpoint(_REGISTER.handle, cors=True), methods=_POST),
    Route("/oauth/revoke", _endpoint(_revoke, cors=True), methods=_POST),
    Route("/oauth/consent", consent, methods=["GET", "POST"]),
]  # fmt: skip
