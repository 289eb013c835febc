"""Injected faults: the next N requests (or frames, renders, tool calls) matching a rule get an error, latency, a
dropped or stalled stream, a failed render or a failed MCP tool. Each fault disappears once used up; reset clears
them all. A fault's JSON is checked against FAULT (harness/schemas.py) before it is accepted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nemo_emulator.errors import ApiError
from nemo_emulator.harness.schemas import FAULT, check
from nemo_protocol.codes import Code

Kind = Literal["error", "latency", "drop_stream", "stall_heartbeats", "fail_render", "fail_tool", "expire_token"]
KINDS: tuple[str, ...] = FAULT["properties"]["kind"]["enum"]
MAX_FAULTS = 256


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
    tool: str | None = None
    """For `fail_tool`: the MCP tool's name (any tool when empty)."""
    code: int | None = None
    """For `error`: the protocol code to answer with (on /ws/chat, the HTTP status of the handshake)."""
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

    def add(self, spec: Any) -> Fault:
        """Validate and register a fault from its JSON description (400 naming the field that is wrong)."""
        check(FAULT, spec)
        if spec.get("kind", "error") == "error":
            valid = {int(c) for c in Code} - {0}
            if spec.get("code") not in valid:
                raise ApiError(Code.BAD_REQUEST, f"code: error faults need a code from the table: {sorted(valid)}")
        if len(self.rules) >= MAX_FAULTS:
            raise ApiError(Code.BAD_REQUEST, f"at most {MAX_FAULTS} faults at once; clear some first")
        fault = Fault(id=self._next_id, **spec)
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
        tool: str | None = None,
    ) -> Fault | None:
        """Use up one matching fault of one of `kinds`, if any."""
        for fault in self.rules:
            if (fault.kind in kinds and fault.matches(method, path, session_id, client_id)
                    and (fault.tool is None or fault.tool == tool)):  # fmt: skip
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
