"""Anonymous identities kept across checks and runs, for targets that hand out few of them.

The live API issues one anonymous token per X-Client-Id and ten per IP per seven days (protocol §3.1), while
the suite plays a user in nearly every check. With a pool, a check's first client is identity 0 and its second
(the intruder of isolation checks) identity 1; each is created once, kept in a JSON file until its token
expires, stops working or runs short of credits for the run's budget, and is reused by later checks and later
runs. Checks about issuing tokens themselves are marked `fresh_identity` and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from nemo_client import NemoClient, TokenInvalid

SLOTS = 2
"""Identities a check may hold at once: the user and an intruder."""


class Identities:
    def __init__(self, url: str, path: Path, min_credits: int = 0) -> None:
        self.url = url
        self.path = path
        self.min_credits = min_credits
        """A stored identity with fewer credits left than this is replaced (the run may spend that many)."""
        self.checked: set[int] = set()
        """Slots whose stored token answered this run."""
        data = json.loads(path.read_text()) if path.exists() else {}
        self.entries: dict[str, dict[str, dict[str, str]]] = data if isinstance(data, dict) else {}
        """base URL -> slot -> {client_id, token, user_id, expires_at}."""

    def client(self, slot: int, make: Callable[..., NemoClient], **options: object) -> NemoClient:
        """A client holding identity `slot` (created when there is none yet, or it no longer serves)."""
        if slot >= SLOTS:
            raise RuntimeError(f"a check asked for {slot + 1} identities; shared identities allow {SLOTS}")
        stored = self.entries.setdefault(self.url, {})
        entry = stored.get(str(slot))
        if entry is not None and _valid(entry):
            client: NemoClient = make(client_id=entry["client_id"], token=entry["token"], **options)
            client.user_id = entry.get("user_id") or None
            if slot in self.checked or self._answers(client):
                self.checked.add(slot)
                return client
            client.close()
        client = make(**options)
        data = client.anonymous_token()
        stored[str(slot)] = {
            "client_id": client.client_id,
            "token": data["token"],
            "user_id": data.get("user_id", ""),
            "expires_at": data.get("expires_at", ""),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.entries, indent=2))
        self.checked.add(slot)
        return client

    def ensure_credits(self, needed: int, make: Callable[..., NemoClient], top_up: Callable[[str], None] | None,
                       advice_file: Path) -> str | None:  # fmt: skip
        """Before the run: give every identity the credits the checks may spend. On an emulator (`top_up`) an
        identity short of them is topped up; elsewhere the reason and the remedy come back (the run stops)."""
        for slot in range(SLOTS):
            client = self.client(slot, make)
            try:
                available = client.balance()["available"]
                if available >= needed:
                    continue
                if top_up is not None:
                    top_up(client.token or "")
                    continue
                return (f"shared identity {slot} ({client.user_id or client.client_id}) has {available} credits and "
                        f"this run's checks may spend {needed}: its failures would read like protocol bugs. Give it "
                        f"credits, pass a smaller --nemo-budget, or remove {advice_file} to start new identities "
                        "(the live API issues ten per IP a week)")  # fmt: skip
            finally:
                client.close()
        return None

    def _answers(self, client: NemoClient) -> bool:
        """Whether the stored token still works and has the credits this run may spend."""
        try:
            return client.balance()["available"] >= self.min_credits
        except TokenInvalid:
            return False


def _valid(entry: dict[str, str]) -> bool:
    """Still inside its lifetime by the wall clock (a day's margin), as far as the entry says."""
    try:
        expires = datetime.fromisoformat(entry["expires_at"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return True
    return (expires - datetime.now(UTC)).total_seconds() > 86400
