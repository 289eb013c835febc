"""Id factories: the only place the emulator creates identifiers.

Secrets (bearer tokens, claim tokens, the key that signs file URLs, a render's file name) come from `secrets`,
whatever the seed: a second server, or anyone who saw one token, cannot predict another. Only with
`reproducible_tokens` (a test setting, refused on non-loopback addresses) do tokens come from a seeded stream,
and even then from one of their own. Everything else (users, sessions, tasks, media) is seeded.
"""

from __future__ import annotations

import random
import secrets
import string
import uuid
from typing import Any

_URLSAFE = string.ascii_letters + string.digits + "-_"
_ALNUM = string.ascii_letters + string.digits


class Ids:
    """Ids in the protocol's formats (§2.4), reproducible for a given seed."""

    def __init__(self, seed: int | str, *, reproducible_tokens: bool = False) -> None:
        self._rng = random.Random(f"ids:{seed}")
        self._tokens: random.Random | None = random.Random(f"tokens:{seed}") if reproducible_tokens else None

    def getstate(self) -> list[Any]:
        """The generator state, so ids keep not colliding after a restart."""
        version, internal, gauss = self._rng.getstate()
        return [version, list(internal), gauss]

    def setstate(self, state: list[Any]) -> None:
        self._rng.setstate((state[0], tuple(state[1]), state[2]))

    def _secret(self, n: int) -> str:
        if self._tokens is None:
            return "".join(secrets.choice(_URLSAFE) for _ in range(n))
        return "".join(self._tokens.choice(_URLSAFE) for _ in range(n))

    def user_token(self) -> str:
        return "nmv_usr_" + self._secret(40)

    def claim_token(self) -> str:
        return "clm_" + self._secret(32)

    @staticmethod
    def file_key() -> str:
        """An unguessable name for a file the emulator serves (a render's MP4)."""
        return secrets.token_urlsafe(16)

    def signing_key(self) -> bytes:
        """The key that signs file URLs (seeded only with reproducible_tokens, like the tokens)."""
        if self._tokens is None:
            return secrets.token_bytes(32)
        return self._tokens.randbytes(32)

    def anon_user(self) -> str:
        return "anon_" + f"{self._rng.getrandbits(64):016x}"

    def registered_user(self) -> str:
        return "usr_" + f"{self._rng.getrandbits(64):016x}"

    def session(self) -> str:
        return str(self._rng.randrange(10**18, 10**19))

    def task(self) -> str:
        return "task_" + f"{self._rng.getrandbits(48):012x}"

    def media(self, prefix: str = "m") -> str:
        return f"{prefix}_" + f"{self._rng.getrandbits(64):016x}"

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


class TurnIds:
    """Ids for one agent turn from a 64-bit seed (SplitMix64): turns replay byte for byte, and a turn held open
    for minutes carries 8 bytes of generator state instead of a Mersenne Twister's 2.5 KB."""

    __slots__ = ("_state",)
    _MASK = (1 << 64) - 1

    def __init__(self, seed: int) -> None:
        self._state = seed & self._MASK

    def _next(self) -> int:
        self._state = (self._state + 0x9E3779B97F4A7C15) & self._MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self._MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self._MASK
        return z ^ (z >> 31)

    def uuid(self) -> str:
        return str(uuid.UUID(int=(self._next() << 64) | self._next(), version=4))

    def invocation(self) -> str:
        return "e-" + self.uuid()

    def event(self) -> str:
        return "".join(_ALNUM[self._next() % len(_ALNUM)] for _ in range(8))

    def function_call(self) -> str:
        return "adk-" + self.uuid()

    def media(self) -> str:
        return f"gen_{self._next():016x}"
