"""Where the client's settings come from: arguments, then NEMO_* environment variables, then defaults."""

from __future__ import annotations

import os
import platform
import ssl
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx

LIVE_URL = "https://mega-api-prod.nemovideo.ai"
VERSION = "0.1.0"


def _platform() -> str:
    if os.environ.get("CURSOR_TRACE_ID"):
        return "cursor"
    if os.environ.get("CLAUDECODE"):
        return "claude_code"
    return "terminal" if platform.system() else "unknown"


@cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client in this process shares. httpx builds a context for each client it makes, and
    loading the CA bundle takes tens of milliseconds: a test suite that opens a client per user paid it every time.
    Read once, so SSL_CERT_FILE or SSL_CERT_DIR set after the first client is not seen."""
    return httpx.create_ssl_context()


def config_dir() -> Path:
    """~/.config/nemovideo, or NEMO_CONFIG_DIR."""
    return Path(os.environ.get("NEMO_CONFIG_DIR") or Path.home() / ".config" / "nemovideo")


def client_id_file(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / "client_id"


def persistent_client_id(directory: Path | None = None) -> str:
    """The machine's stable X-Client-Id, created (as a UUID) and saved on first use."""
    path = client_id_file(directory)
    try:
        existing = path.read_text().strip()
        if existing and len(existing) <= 64:
            return existing
    except OSError:
        pass
    value = str(uuid.uuid4())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n")
    except OSError:
        pass
    return value


@dataclass(frozen=True, slots=True)
class Skill:
    """The X-Skill-* attribution headers, sent on every request (the backend needs them for free export)."""

    source: str = "nemo-video-cli"
    version: str = VERSION
    platform: str = field(default_factory=_platform)

    def headers(self) -> dict[str, str]:
        return {"X-Skill-Source": self.source, "X-Skill-Version": self.version, "X-Skill-Platform": self.platform}


@dataclass(frozen=True, slots=True)
class Recovery:
    """The protocol's recovery rules, each on by default."""

    retry_rate_limited: bool = True
    """429: wait Retry-After (else 30 s) and retry once."""
    rate_limit_wait_s: float = 30.0
    reacquire_token: bool = True
    """1001: get a new anonymous token with the same X-Client-Id once, then retry."""
    diff_silent_turns: bool = True
    """A turn with no text: read state before and after and report what changed."""
    recreate_missing_session: bool = False
    """1002 before a chat: create a new session and use it (off unless asked: the old context is lost)."""
    recover_disconnects: bool = True
    """Stream dropped: don't resend; read state after 30 s, then every 60 s, give up after 5 unchanged reads."""


def default_base_url() -> str:
    return os.environ.get("NEMO_API_URL", LIVE_URL).rstrip("/")


def default_token() -> str | None:
    return os.environ.get("NEMO_TOKEN") or None


def default_client_id(directory: Path | None = None) -> str:
    return os.environ.get("NEMO_CLIENT_ID") or persistent_client_id(directory)
