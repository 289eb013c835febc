"""The credit ledger: one bounded list of lines per user (grants, freezes, charges, refunds, expiries), persisted
with the store. The inspector shows it; the gateway's usage history (`/billing/usage/conversations`) reads it,
grouping a turn's charges into one conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KEPT = 1000
"""Lines kept per user; older ones are dropped two hundred at a time."""
FIELDS = ("t", "what", "amount", "why", "available", "context")


@dataclass
class Ledger:
    lines: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    """user id -> (time, what, credits, why, available after, context or None)."""

    def add(self, user_id: str, t: float, what: str, amount: int, why: str, available: int,
            context: dict[str, Any] | None = None) -> None:  # fmt: skip
        lines = self.lines.setdefault(user_id, [])
        lines.append((t, what, amount, why, available, context))
        if len(lines) > KEPT + 200:
            del lines[:-KEPT]

    def view(self, user_id: str, last: int = 100) -> list[dict[str, Any]]:
        """The newest `last` lines as JSON."""
        return [dict(zip(FIELDS, line, strict=True)) for line in self.lines.get(user_id, [])[-last:]]

    def usage(self, user_id: str, projects: dict[str, str]) -> list[dict[str, Any]]:
        """The gateway's usage items, newest first: a conversation per turn that spent credits (its tools' charges
        together), a grant per grant, an expiry per expiry. `projects`: project id -> its name."""
        items: list[dict[str, Any]] = []
        by_turn: dict[str, dict[str, Any]] = {}
        for t, what, amount, why, _, context in self.lines.get(user_id, []):
            if what == "charge" and context:
                key = str(context.get("conversation_id"))
                item = by_turn.get(key)
                if item is None:
                    project = str(context.get("project_id") or "")
                    item = by_turn[key] = {"kind": "conversation", "created_at": t, "amount_delta": 0,
                                           "conversation": {"conversation_id": key,
                                                            "session_id": context.get("session_id"),
                                                            "project_id": project,
                                                            "project_name": projects.get(project, ""),
                                                            "project_deleted": project not in projects,
                                                            "user_message": str(context.get("message") or "")[:500],
                                                            "user_message_hidden": not context.get("message"),
                                                            "tool_breakdown": []}}  # fmt: skip
                    items.append(item)
                item["amount_delta"] -= amount
                tools = item["conversation"]["tool_breakdown"]
                tool = next((x for x in tools if x["tool_key"] == why), None)
                if tool is None:
                    tools.append({"tool_key": why, "credits": amount, "count": 1})
                else:
                    tool["credits"] += amount
                    tool["count"] += 1
            elif what in ("grant", "top-up"):
                items.append({"kind": "grant", "created_at": t, "amount_delta": amount,
                              "grant": {"source": why, "reference": None}})  # fmt: skip
            elif what == "expire":
                items.append({"kind": "expire", "created_at": t, "amount_delta": amount, "expire": {}})
        items.reverse()
        return items
