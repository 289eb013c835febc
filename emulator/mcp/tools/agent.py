"""The delegated agent: delegate_to_nemo_agent starts a turn of the same agent the other surfaces talk to, framed
by mcp/turns.py; get_nemo_agent_turn reads it; cancel_nemo_agent_turn stops it (`user_abort`). A repeated
`turn_id` is the same turn; a session already running a turn refuses another."""

from __future__ import annotations

import secrets

from nemo_emulator.errors import ApiError
from nemo_emulator.mcp.tools.base import Context, Handler, Reply
from nemo_emulator.mcp.turns import DelegatedTurn, McpFraming
from nemo_emulator.state.sessions import Session
from nemo_protocol.mcp import McpCode, translate
from nemo_protocol.wire import JSON

MAX_TURNS = 200
"""Delegated turns a session remembers."""


def _turns(session: Session) -> dict[str, DelegatedTurn]:
    turns: dict[str, DelegatedTurn] = session.surfaces.setdefault("mcp", {})
    return turns


def _attachments(ctx: Context, session: Session, args: JSON) -> str:
    """What the agent is told of the attached files (they are uploads of this session)."""
    names = []
    for item in args.get("attachments") or []:
        upload = ctx.store.uploads.by_id.get(item["file_id"])
        if upload is None or upload.user_id != ctx.user.id:
            raise ApiError(McpCode.NOT_FOUND, f"no uploaded file {item['file_id'][:80]!r}; upload_asset first")
        names.append(upload.filename)
    return f" (attached: {', '.join(names)})" if names else ""


async def delegate_to_nemo_agent(ctx: Context, args: JSON) -> Reply:
    from nemo_emulator.agent.engine import Turn, prepare

    store = ctx.store
    session = ctx.session(args["session_id"])
    turns = _turns(session)
    turn_id = args.get("turn_id")
    if turn_id and turn_id in turns:  # a retry of a call whose answer was lost: the same turn
        return Reply({"ok": False, "turn_id": turn_id, "turn_state": turns[turn_id].state, "repeated": True})
    if any(t.state == "running" for t in turns.values()) or session.running:
        raise ApiError(McpCode.CONFLICT, "this session already has a turn running; poll it with get_nemo_agent_turn "
                                         "(nothing was accepted)")  # fmt: skip
    message = args["message"] + _attachments(ctx, session, args)
    try:
        plan, rng = prepare(store, session, ctx.user, message)
    except ApiError as exc:
        raise ApiError(translate(exc.code), exc.message) from None
    turn = DelegatedTurn(turn_id or f"turn_{secrets.token_hex(8)}", session.id, args["message"],
                         store.settings.mcp_turn_events)  # fmt: skip
    if len(turns) >= MAX_TURNS:
        del turns[next(iter(turns))]
    turns[turn.id] = turn
    engine = Turn(store, session, ctx.user, ctx.base_url, plan, rng.getrandbits(64), lambda ids: McpFraming(turn))
    turn.task = engine.start(message)
    return Reply({"ok": False, "turn_id": turn.id, "turn_state": turn.state})


def _turn(ctx: Context, args: JSON) -> DelegatedTurn:
    session = ctx.session(args["session_id"])
    turn = _turns(session).get(args["turn_id"])
    if turn is None:
        raise ApiError(McpCode.NOT_FOUND, f"no turn {args['turn_id'][:80]!r} in session {session.id}")
    return turn


async def get_nemo_agent_turn(ctx: Context, args: JSON) -> Reply:
    return Reply(_turn(ctx, args).view())


async def cancel_nemo_agent_turn(ctx: Context, args: JSON) -> Reply:
    turn = _turn(ctx, args)
    if turn.state == "running" and turn.task is not None and not turn.task.done():
        turn.statuses = ["user_abort"]
        turn.task.cancel()
    return Reply(turn.view())


TOOLS: dict[str, Handler] = {
    "delegate_to_nemo_agent": delegate_to_nemo_agent,
    "get_nemo_agent_turn": get_nemo_agent_turn,
    "cancel_nemo_agent_turn": cancel_nemo_agent_turn,
}
