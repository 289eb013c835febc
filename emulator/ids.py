"""Seeded id factories: the only place the emulator creates identifiers."""

from __future__ import annotations

import random
import string
import uuid

_URLSAFE = string.ascii_letters + string.digits + "-_"
_ALNUM = string.ascii_letters + string.digits


class Ids:
    """Ids in the protocol's formats (§2.4), reproducible for a given seed."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(f"ids:{seed}")

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def user_token(self) -> str:
        return "nmv_usr_" + self._chars(_URLSAFE, 40)

    def claim_token(self) -> str:
        return "clm_" + self._chars(_URLSAFE, 32)

    def anon_user(self) -> str:
        return "anon_" + f"{self._rng.getrandbits(64):016x}"

    def session(self) -> str:
        return str(self._rng.randrange(10**18, 10**19))

    def task(self) -> str:
        return "task_" + f"{self._rng.getrandbits(48):012x}"

    def media(self, prefix: str = "m") -> str:
        return f"{prefix}_" + f"{self._rng.getrandbits(64):016x}"

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


class TurnIds:
    """Ids for one agent turn, drawn from that turn's own RNG so turns replay byte for byte."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def invocation(self) -> str:
        return "e-" + str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def event(self) -> str:
        return "".join(self._rng.choice(_ALNUM) for _ in range(8))

    def function_call(self) -> str:
        return "adk-" + str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def media(self) -> str:
        return "gen_" + f"{self._rng.getrandbits(64):016x}"
