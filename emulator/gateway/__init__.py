"""The gateway surface (`mega-x-api`, what the official `nemovideo` CLI speaks; protocol Appendix A): projects,
billing, files, the render proxy and the frontend state over HTTP (account, projects, files, renders), and the
agent over the /ws/chat WebSocket (chat, framed by frames)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from nemo_emulator.gateway import account, chat, files, projects, renders
from nemo_emulator.state.store import Store


def routes(store: Store) -> list[BaseRoute]:
    return [*account.routes, *projects.routes, *files.routes, *renders.routes, *chat.routes]
