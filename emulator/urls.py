"""Signed, expiring URLs for the files the emulator serves (/cdn/...), as a real CDN's presigned links are:
unguessable, valid for `cdn_url_ttl_s` of virtual time, checked before the file is even looked up. Also which
hosts may reach the server, and the TLS settings of the requests it makes itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import ssl
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote, unquote

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (an IPv6 one with or without brackets); an empty host is not (to bind,
    it means every interface)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings the emulator's outgoing requests share (an upload fetched by URL, the recorder's upstream).
    httpx builds a context for each client otherwise, and loading the CA bundle holds the event loop for tens of
    milliseconds each time."""
    import httpx

    return httpx.create_ssl_context()


_SIGNED = re.compile(r"(/cdn/[^?#\s\"']+)\?e=(\d{1,15})&s=([A-Za-z0-9_-]{24})")
"""A signed link's path, expiry and signature (18 bytes of HMAC, urlsafe base64)."""


class UrlSigner:
    def __init__(self, key: bytes, clock: VirtualClock, ttl_s: float) -> None:
        self.key, self.clock, self.ttl_s = key, clock, ttl_s

    def _mac(self, path: str, expires: int) -> str:
        digest = hmac.new(self.key, f"{path}\n{expires}".encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()

    def url(self, base_url: str, kind: str, name: str) -> str:
        """`<base>/cdn/<kind>/<name>?e=<expiry>&s=<signature>` (the path signed as the server will see it)."""
        path = f"/cdn/{kind}/{name}"
        expires = int(self.clock.now() + self.ttl_s)
        return f"{base_url.rstrip('/')}{quote(path)}?e={expires}&s={self._mac(path, expires)}"

    def resigned(self, value: Any) -> Any:
        """`value` (JSON) with every expired /cdn/ link this server signed signed again from now. A session's state
        keeps the links its tools wrote, and a client told "read the state again" about an expired link must find a
        live one there; a live link stays as it is (the same draft reads the same everywhere), and a link this
        server did not sign is never signed."""
        if isinstance(value, str):
            return _SIGNED.sub(self._fresh, value) if "/cdn/" in value else value
        if isinstance(value, dict):
            return {k: self.resigned(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resigned(v) for v in value]
        return value

    def _fresh(self, link: re.Match[str]) -> str:
        path, expires, signature = unquote(link.group(1)), int(link.group(2)), link.group(3)
        if expires >= self.clock.now() or not hmac.compare_digest(self._mac(path, expires), signature):
            return link.group(0)
        when = int(self.clock.now() + self.ttl_s)
        return f"{link.group(1)}?e={when}&s={self._mac(path, when)}"

    def check(self, path: str, expires: str | None, signature: str | None) -> None:
        """403 unless the link was signed by this server and has not expired."""
        try:
            when = int(expires or "")
        except ValueError:
            raise ApiError(Code.FORBIDDEN, "unsigned file link; read the state (or poll the render) for one") from None
        if not signature or not hmac.compare_digest(self._mac(path, when), signature):
            raise ApiError(Code.FORBIDDEN, "this file link's signature is not valid")
        if when < self.clock.now():
            raise ApiError(Code.FORBIDDEN, "this file link has expired; read the state (or poll the render) again")


def _host_name(value: bytes) -> str:
    text = value.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def host_allowed(headers: list[tuple[bytes, bytes]], allowed: tuple[str, ...]) -> bool:
    """Whether the request's Host names this server in a way a rebinding attack cannot: an IP address, `localhost`
    (or a `.localhost` name), or one of the `allowed` names (`*`: any). A request without Host (HTTP/1.0 tools)
    passes: browsers always send one."""
    for name, value in headers:
        if name == b"host":
            return _host_ok(value, allowed)
    return True


@lru_cache(maxsize=256)
def _host_ok(value: bytes, allowed: tuple[str, ...]) -> bool:
    """`host_allowed` for one Host value, remembered: parsing an address is a tenth of a cheap request's work, and
    a server sees few Host values (the cache is bounded, so a client sending many costs only a miss each)."""
    host = _host_name(value)
    if host == "localhost" or host.endswith(".localhost") or "*" in allowed or host in allowed:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return any(a.startswith(".") and host.endswith(a) for a in allowed)
    return True
