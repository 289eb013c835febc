"""The gateway surface (`mega-x-api`, what the official `nemovideo` CLI speaks; protocol Appendix A)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from nemo_emulator.state.store import Store


def routes(store: Store) -> list[BaseRoute]:
    return []
