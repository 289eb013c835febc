"""The harness: everything that observes or breaks the emulator (faults, the journal, the inspector's feed, the
control routes, the inspector, mutants, record and replay), beside the product. It hooks into the store through
emulator/hooks.py and into the app through its request layer; no product module asks whether it is tested.
"""

from __future__ import annotations

from typing import Any

from nemo_emulator.errors import ApiError
from nemo_emulator.harness import mutants
from nemo_emulator.harness.calls import McpCalls
from nemo_emulator.harness.faults import Faults
from nemo_emulator.harness.feed import Feed
from nemo_emulator.harness.journal import Journal
from nemo_emulator.hooks import NO_TAP, Hooks, StreamDropped, Tap
from nemo_emulator.state.store import Store
from nemo_protocol.codes import Code


class _FaultTap(Tap):
    """A stream's tap for a drop_stream or stall_heartbeats fault, and a mutant's frame rewrite."""

    def __init__(self, drop_after: int | None, stall: bool, rewrite: mutants.FrameRewrite | None) -> None:
        self.drop_after, self.stall, self.rewrite = drop_after, stall, rewrite
        self.sent = 0

    def frame(self, kind: str, frame: Any) -> Any:
        if self.stall and kind == "heartbeat":
            return None
        if self.rewrite is not None:
            frame = self.rewrite(kind, frame)
            if frame is None:
                return None
        if self.drop_after is not None and self.sent >= self.drop_after:
            raise StreamDropped
        self.sent += 1
        return frame


class Harness(Hooks):
    """The hooks the harness installs on a store, and its own state (which a reset renews)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.mutant = mutants.get(store.settings.mutation)
        self.faults = Faults()
        self.journal = Journal(store.settings.journal_size)
        self.feed = Feed(self.journal)
        """Open inspector pages; they outlive a reset."""
        self.mcp_calls = McpCalls()

    @property
    def active(self) -> bool:
        """Whether requests must go through the harness's layer."""
        return bool(self.faults.rules) or self.journal.enabled or self.store.settings.request_log or (
            self.mutant is not None and self.mutant.rewrite is not None)  # fmt: skip

    @property
    def watching(self) -> bool:
        return bool(self.feed.subscribers)

    def publish(self, kind: str, data: Any) -> None:
        self.feed.publish(kind, data)

    def open_stream(self, surface: str, path: str, session_id: str | None) -> Tap:
        rewrite = self.mutant.frames if self.mutant is not None else None
        fault = None
        if self.faults.rules:
            fault = self.faults.take(("drop_stream", "stall_heartbeats"), "POST" if surface == "mega" else "GET",
                                     path, session_id=session_id)  # fmt: skip
        if fault is None and rewrite is None:
            return NO_TAP
        drop = fault.after_events if fault is not None and fault.kind == "drop_stream" else None
        stall = fault is not None and fault.kind == "stall_heartbeats"
        return _FaultTap(drop, stall, rewrite)

    def render_submitted(self, job: Any, path: str) -> None:
        if self.faults.rules and self.faults.take(("fail_render",), "POST", path, session_id=job.session_id):
            job.fail_at = job.finishes_at

    def tool_called(self, name: str, session_id: str | None) -> ApiError | None:
        if not self.faults.rules:
            return None
        fault = self.faults.take(("fail_tool",), "POST", "/mcp", session_id=session_id, tool=name)
        if fault is None:
            return None
        return ApiError(fault.code or Code.INTERNAL, fault.message or f"injected fault {fault.id}")

    def tool_returned(self, name: str, session_id: str | None, user_id: str, code: int) -> None:
        call = self.mcp_calls.record(session_id, user_id, name, code, self.store.clock.now())
        if self.watching:
            self.feed.publish("mcp", call)

    def reset(self) -> None:
        self.mcp_calls = McpCalls()
        self.faults = Faults()
        self.journal = Journal(self.store.settings.journal_size)
        self.feed.attach(self.journal)


def install(store: Store) -> Harness:
    """Hook a harness into `store` (once)."""
    if isinstance(store.hooks, Harness):
        return store.hooks
    harness = Harness(store)
    store.hooks = harness
    return harness


__all__ = ["Harness", "install", "mutants"]
