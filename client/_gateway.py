"""GatewayClient and AsyncGatewayClient: the gateway (`mega-x-api`, what the official `nemovideo` CLI speaks) from
Python. Their rules live once in _gateway_core.py; these faces only run them, blocking or awaited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from nemo_client._async import AsyncRunner
from nemo_client._client import SyncRunner
from nemo_client._gateway_core import Answer, ChatResult, FrameHook, GatewayCore
from nemo_client._ops import Progress, UploadItem

Job = dict[str, Any]


class GatewayClient(GatewayCore, SyncRunner):
    """A registered user's view of the gateway: projects, chat over /ws/chat, uploads, renders and billing."""

    def __init__(self, base_url: str | None = None, *, token: str | None = None, http: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        super().__init__(base_url, token=token)
        self._open_io(http, sleep)

    def verify(self) -> dict[str, Any]:
        """The token's user: user_id, email, balance."""
        return self._run(self.verify_flow())

    def balance(self) -> dict[str, Any]:
        """available, frozen, total_granted, total_consumed."""
        return self._run(self.balance_flow())

    def usage(self, page_no: int = 1, page_size: int = 100, start_date: str | None = None,
              end_date: str | None = None, all_pages: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        """Credit usage, newest first: conversations (a turn's tools together), grants and expiries."""
        return self._run(self.usage_flow(page_no, page_size, start_date, end_date, all_pages))

    def create_project(self, name: str | None = None) -> dict[str, Any]:
        """A new project and its agent session (project_id, session.session_id)."""
        return self._run(self.create_project_flow(name))

    def projects(self) -> list[dict[str, Any]]:
        return self._run(self.projects_flow())

    def project(self, project_id: str) -> dict[str, Any]:
        return self._run(self.project_flow(project_id))

    def session_of(self, project_id: str) -> str:
        """The project's session id."""
        return self._run(self.session_of_flow(project_id))

    def state(self, project_id: str) -> dict[str, Any]:
        """The frontend state: project.timeline_draft, project["files:<session>"], version, projectName."""
        return self._run(self.state_flow(project_id))

    def upload(self, project_id: str, item: UploadItem, progress: Progress | None = None) -> dict[str, Any]:
        return self._run(self.upload_flow(project_id, item, progress))

    def chat(self, project_id: str, content: str, *, on_frame: FrameHook | None = None, answer: Answer | None = None,
             timeout: float = 600.0) -> ChatResult:  # fmt: skip
        """Send one message over /ws/chat and collect the exchange until `done` (questions answered by `answer`)."""
        return self._run(self.chat_flow(project_id, content, on_frame, answer, timeout))

    def submit_render(self, project_id: str, render_id: str | None = None) -> str:
        """Render the project's draft; the render id."""
        return self._run(self.submit_render_flow(project_id, render_id))

    def render_status(self, render_id: str) -> Job:
        return self._run(self.render_status_flow(render_id))

    def wait_for_render(self, render_id: str, timeout: float = 300.0,
                        on_progress: Callable[[Job], Any] | None = None,
                        between_polls: Callable[[float], Any] | None = None) -> Job:  # fmt: skip
        return self._run(self.wait_for_render_flow(render_id, timeout, on_progress, between_polls))

    def download(self, url: str, dest: str | Path, progress: Progress | None = None) -> Path:
        return self._run(self.download_flow(url, dest, progress))

    def latest_render(self, project_id: str) -> dict[str, Any] | None:
        """The project's latest finished render ({url, size, …}), or None."""
        return self._run(self.latest_render_flow(project_id))


class AsyncGatewayClient(GatewayCore, AsyncRunner):
    """The same methods as GatewayClient, each a coroutine; callbacks may be plain functions or coroutines."""

    def __init__(self, base_url: str | None = None, *, token: str | None = None,
                 http: httpx.AsyncClient | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:  # fmt: skip
        super().__init__(base_url, token=token)
        self._open_io(http, sleep)

    async def verify(self) -> dict[str, Any]:
        """The token's user: user_id, email, balance."""
        return await self._run(self.verify_flow())

    async def balance(self) -> dict[str, Any]:
        """available, frozen, total_granted, total_consumed."""
        return await self._run(self.balance_flow())

    async def usage(self, page_no: int = 1, page_size: int = 100, start_date: str | None = None,
                    end_date: str | None = None, all_pages: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        """Credit usage, newest first: conversations (a turn's tools together), grants and expiries."""
        return await self._run(self.usage_flow(page_no, page_size, start_date, end_date, all_pages))

    async def create_project(self, name: str | None = None) -> dict[str, Any]:
        """A new project and its agent session (project_id, session.session_id)."""
        return await self._run(self.create_project_flow(name))

    async def projects(self) -> list[dict[str, Any]]:
        return await self._run(self.projects_flow())

    async def project(self, project_id: str) -> dict[str, Any]:
        return await self._run(self.project_flow(project_id))

    async def session_of(self, project_id: str) -> str:
        """The project's session id."""
        return await self._run(self.session_of_flow(project_id))

    async def state(self, project_id: str) -> dict[str, Any]:
        """The frontend state: project.timeline_draft, project["files:<session>"], version, projectName."""
        return await self._run(self.state_flow(project_id))

    async def upload(self, project_id: str, item: UploadItem, progress: Progress | None = None) -> dict[str, Any]:
        return await self._run(self.upload_flow(project_id, item, progress))

    async def chat(self, project_id: str, content: str, *, on_frame: FrameHook | None = None,
                   answer: Answer | None = None, timeout: float = 600.0) -> ChatResult:  # fmt: skip
        """Send one message over /ws/chat and collect the exchange until `done` (questions answered by `answer`)."""
        return await self._run(self.chat_flow(project_id, content, on_frame, answer, timeout))

    async def submit_render(self, project_id: str, render_id: str | None = None) -> str:
        """Render the project's draft; the render id."""
        return await self._run(self.submit_render_flow(project_id, render_id))

    async def render_status(self, render_id: str) -> Job:
        return await self._run(self.render_status_flow(render_id))

    async def wait_for_render(self, render_id: str, timeout: float = 300.0,
                              on_progress: Callable[[Job], Any] | None = None,
                              between_polls: Callable[[float], Any] | None = None) -> Job:  # fmt: skip
        return await self._run(self.wait_for_render_flow(render_id, timeout, on_progress, between_polls))

    async def download(self, url: str, dest: str | Path, progress: Progress | None = None) -> Path:
        return await self._run(self.download_flow(url, dest, progress))

    async def latest_render(self, project_id: str) -> dict[str, Any] | None:
        """The project's latest finished render ({url, size, …}), or None."""
        return await self._run(self.latest_render_flow(project_id))
