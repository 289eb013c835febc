"""The endpoint under test: a base URL, whether it has the emulator's control plane, and a clock for it.

The suite never imports the emulator; it can start one as a subprocess (`python -m nemo_emulator serve`)
and otherwise talks HTTP like any client.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import httpx

from nemo_client import NemoClient, Recovery
from nemo_client._config import tls_context
from nemo_conformance.checks import check_response
from nemo_conformance.identities import Identities

ClientFactory = Callable[..., NemoClient]
"""Makes a client for a fresh anonymous identity (the `new_client` fixture)."""
UserFactory = Callable[[], NemoClient]
"""Makes a client that already holds a token (the `new_user` fixture)."""

NO_RECOVERY = Recovery(
    retry_rate_limited=False, reacquire_token=False, diff_silent_turns=False, recover_disconnects=False
)


class Control:
    """The emulator's /_emulator/ plane: reset, virtual clock, settings."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, verify=tls_context())

    @classmethod
    def probe(cls, base_url: str) -> Control | None:
        try:
            r = httpx.get(f"{base_url}/_emulator/health", timeout=5)
        except httpx.HTTPError:
            return None
        return cls(base_url) if r.status_code == 200 and r.json().get("status") == "ok" else None

    def close(self) -> None:
        self.http.close()

    def reset(self) -> None:
        self.http.post("/_emulator/reset").raise_for_status()

    def now(self) -> float:
        now: float = self.http.get("/_emulator/clock").json()["now"]
        return now

    def advance(self, seconds: float) -> None:
        self.http.post("/_emulator/clock", json={"advance": seconds}).raise_for_status()

    def run_next(self, timeout: float = 0.2) -> bool:
        """Let the next pending timer fire (waits up to `timeout` real seconds for one)."""
        r = self.http.post("/_emulator/clock", json={"next": True, "timeout": timeout})
        r.raise_for_status()
        return bool(r.json().get("sleeping"))

    @contextmanager
    def fault(self, **spec: object) -> Iterator[dict[str, object]]:
        """Inject a fault (see /_emulator/faults) for the duration of the block; removed afterwards."""
        r = self.http.post("/_emulator/faults", json=spec)
        if r.status_code != 201:
            raise ValueError(f"fault rejected: {r.text}")
        try:
            yield r.json()
        finally:
            self.http.delete("/_emulator/faults")

    def set_credits(self, token: str, credits: int) -> None:
        """Give the user behind `token` exactly `credits` available credits."""
        self.http.post("/_emulator/credits", json={"token": token, "credits": credits}).raise_for_status()

    def create_user(self, email: str, plan: str = "starter", credits: int | None = None) -> dict[str, Any]:
        """A registered user (plan, credits, e-mail) and its API token, from POST /_emulator/users."""
        body: dict[str, Any] = {"email": email, "plan": plan}
        if credits is not None:
            body["credits"] = credits
        r = self.http.post("/_emulator/users", json=body)
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    def settings(self) -> dict[str, object]:
        data: dict[str, object] = self.http.get("/_emulator/settings").json()
        return data

    @contextmanager
    def running(self) -> Iterator[None]:
        """Fire timers in the background while the block streams a turn (virtual time, no waiting)."""
        done = threading.Event()

        def drive() -> None:
            while not done.is_set():
                try:
                    self.run_next(0.05)
                except httpx.HTTPError:
                    return

        thread = threading.Thread(target=drive, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(10)


@dataclass
class Target:
    """What the suite runs against."""

    url: str
    control: Control | None
    live: bool = False
    budget: int = 0
    spent: int = 0
    identities: Identities | None = None
    """Shared anonymous identities (live API, or --nemo-share-identities); None = a fresh one per client."""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    log: IO[str] | None = field(default=None, repr=False)

    def client(self, **options: object) -> NemoClient:
        """A client as a fresh anonymous user would be, with every generic check on every response."""
        http = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(30, read=900 if self.live else 120),
            event_hooks={"response": [check_response]},
            verify=tls_context(),
        )
        opts: dict[str, object] = {
            "client_id": f"conf-{uuid.uuid4()}",
            "recovery": NO_RECOVERY,
            "sleep": lambda s: None,
            **options,
        }
        return NemoClient(self.url, http=http, **opts)  # type: ignore[arg-type]

    def spend(self, credits: int) -> bool:
        """On the live API, whether `credits` still fit the budget (and book them)."""
        if not self.live:
            return True
        if self.spent + credits > self.budget:
            return False
        self.spent += credits
        return True

    def close(self) -> None:
        if self.control is not None:
            self.control.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            if self.process.stdout is not None:
                self.process.stdout.close()
        if self.log is not None:
            self.log.close()


def spawn_emulator(extra_args: list[str], clock: str = "manual") -> Target:
    """Start `python -m nemo_emulator serve --port 0` (manual clock unless told otherwise) and read its URL."""
    args = [
        sys.executable,
        "-m",
        "nemo_emulator",
        "serve",
        "--port",
        "0",
        "--clock",
        clock,
        "--set",
        "anon_per_ip_limit=1000000",
        "--set",
        "render_max_height=240",
        *extra_args,
    ]
    log = tempfile.NamedTemporaryFile("w+", prefix="nemo-emulator-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on " not in line:
        proc.kill()
        log.seek(0)
        raise RuntimeError(f"emulator did not start: {line!r} {log.read()[-2000:]}")
    url = line.split("listening on ", 1)[1].split()[0]
    control = Control.probe(url)
    if control is None:
        proc.kill()
        raise RuntimeError(f"emulator at {url} does not answer /_emulator/health")
    return Target(url, control, process=proc, log=log)
