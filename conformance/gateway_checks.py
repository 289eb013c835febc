"""Checks every gateway reply gets (protocol A.2), and the target the gateway checks run against: the emulator
the suite started (a registered user is made for each check), or any gateway URL with an API key
(`--nemo-gateway-url`, `--nemo-api-key`), the live one included."""

from __future__ import annotations

import json
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import httpx

from nemo_client import GatewayClient
from nemo_client._config import tls_context
from nemo_conformance.checks import ConformanceFailure, never_server_error
from nemo_conformance.target import Control
from nemo_protocol.gateway import SERVER_FRAMES, GatewayCode

KNOWN = {int(c) for c in GatewayCode}


def gateway_reply(response: httpx.Response) -> None:
    """Every 2xx carries a JSON envelope ({code:0,message,data} or, on the render proxy, {success:true,data}); every
    error is non-2xx JSON with an integer `code` and a `message` (A.2)."""
    __tracebackhide__ = True
    never_server_error(response)
    ctype = response.headers.get("content-type", "")
    if ctype.startswith(("video/", "audio/", "image/")):
        return
    response.read()
    try:
        body = json.loads(response.content)
    except ValueError:
        raise ConformanceFailure("a gateway reply is not JSON", response.text[:300]) from None
    path = response.request.url.path
    if response.is_success:
        if not isinstance(body, dict) or "data" not in body:
            raise ConformanceFailure("a gateway 2xx has no envelope with `data`", response.text[:300])
        if path.startswith("/services/v1/render-proxy"):
            if body.get("success") is not True and body.get("code") != 0:
                raise ConformanceFailure("a render-proxy 2xx is neither {success:true} nor {code:0}",
                                         response.text[:300])
        elif body.get("code") != 0 or not isinstance(body.get("message"), str):
            raise ConformanceFailure("a gateway 2xx lacks code 0 and its message", response.text[:300])
        return
    if not isinstance(body, dict) or not isinstance(body.get("code"), int) or not isinstance(body.get("message"), str):
        raise ConformanceFailure("a gateway error lacks an integer code and a message", response.text[:300])
    if body["code"] not in KNOWN:
        raise ConformanceFailure(f"unknown gateway code {body['code']}", response.text[:300])


def frame_is_known(frame: Any) -> None:
    __tracebackhide__ = True
    if not isinstance(frame, dict) or frame.get("type") not in SERVER_FRAMES:
        raise ConformanceFailure("a /ws/chat frame of no known type", json.dumps(frame)[:300])


@dataclass
class GatewayTarget:
    url: str
    token: str | None
    """A fixed API key (a live run); None: a registered user is made per check through the control plane."""
    control: Control | None
    mega_url: str | None
    """Where the same user reaches the mega API (the emulator serves both)."""
    live: bool = False

    def new_token(self, credits: int = 100_000, plan: str = "starter") -> str:
        if self.token is not None:
            return self.token
        assert self.control is not None
        created = self.control.create_user(f"conf-{uuid.uuid4().hex[:12]}@conformance.test", plan, credits)
        token: str = created["token"]
        return token

    def timers(self) -> AbstractContextManager[None]:
        """On an emulator, its clock's timers fired while the block runs; elsewhere nothing."""
        return self.control.running() if self.control is not None else nullcontext()

    def client(self, token: str) -> GatewayClient:
        http = httpx.Client(base_url=self.url, timeout=httpx.Timeout(30, read=900 if self.live else 120),
                            event_hooks={"response": [gateway_reply]}, verify=tls_context())  # fmt: skip
        return GatewayClient(self.url, token=token, http=http, sleep=lambda s: None)
