"""Injected faults: the next N requests matching a rule get an error, latency, a dropped or stalled stream,
or a failed render. Each fault disappears once used up; reset clears them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code

Kind = Literal["error", "latency", "drop_stream", "stall_heartbeats", "fail_render"]
KINDS = ("error", "latency", "drop_stream", "stall_heartbeats", "fail_render")


@dataclass
class Fault:
    """One rule. Match fields left empty match anything."""

    id: int
    kind: Kind
    times: int = 1
    route: str | None = None
    """Text the path must contain (a literal, not a pattern: a request must never wait on a runaway regex)."""
    method: str | None = None
    session_id: str | None = None
    client_id: str | None = None
    code: int | None = None
    """For `error`: the protocol code to answer with."""
    message: str | None = None
    latency_s: float = 0.0
    """For `latency`: real seconds to hold the request before handling it."""
    after_events: int = 0
    """For `drop_stream`: frames sent before the connection is cut."""
    used: int = 0

    def matches(self, method: str, path: str, session_id: str | None, client_id: str | None) -> bool:
        return (
            (self.method is None or self.method.upper() == method)
            and (self.route is None or self.route in path)
            and (self.session_id is None or self.session_id == session_id or self.session_id in path)
            and (self.client_id is None or self.client_id == client_id)
        )

    def view(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Faults:
    rules: list[Fault] = field(default_factory=list)
    _next_id: int = 1

    def add(self, spec: dict[str, Any]) -> Fault:
        """Validate and register a fault from its JSON description."""
        kind = spec.get("kind", "error")
        if kind not in KINDS:
            raise ApiError(Code.BAD_REQUEST, f"kind must be one of {', '.join(KINDS)}")
        allowed = {f for f in Fault.__dataclass_fields__ if f not in ("id", "used")}
        unknown = set(spec) - allowed
        if unknown:
            raise ApiError(Code.BAD_REQUEST, f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            fault = Fault(id=self._next_id, **spec)
        except TypeError as exc:
            raise ApiError(Code.BAD_REQUEST, f"bad fault: {exc}") from None
        if kind == "error":
            valid = {int(c) for c in Code} - {0}
            if fault.code not in valid:
                raise ApiError(Code.BAD_REQUEST, f"error faults need a code from the table: {sorted(valid)}")
        if not isinstance(fault.times, int) or fault.times < 1:
            raise ApiError(Code.BAD_REQUEST, "times must be a positive integer")
        if fault.route is not None and (not isinstance(fault.route, str) or not 0 < len(fault.route) <= 512):
            raise ApiError(Code.BAD_REQUEST, "route must be the text a path contains, 1 to 512 characters")
        if len(self.rules) >= 256:
            raise ApiError(Code.BAD_REQUEST, "at most 256 faults at once; clear some first")
        self._next_id += 1
        self.rules.append(fault)
        return fault

    def take(
        self,
        kinds: tuple[str, ...],
        method: str,
        path: str,
        session_id: str | None = None,
        client_id: str | None = None,
    ) -> Fault | None:
        """Use up one matching fault of one of `kinds`, if any."""
        for fault in self.rules:
            if fault.kind in kinds and fault.matches(method, path, session_id, client_id):
                fault.used += 1
                if fault.used >= fault.times:
                    self.rules.remove(fault)
                return fault
        return None

    def remove(self, fault_id: int) -> bool:
        """Drop one fault; False if there was none with that id (used up or never added)."""
        kept = [f for f in self.rules if f.id != fault_id]
        removed = len(kept) != len(self.rules)
        self.rules[:] = kept
        return removed

    def clear(self) -> None:
        self.rules.clear()
