"""AsyncNemoClient: the same endpoints over httpx.AsyncClient, sharing request building and recovery with NemoClient."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from client import _errors as errors
from client._client import Progress, UploadItem, multipart_files, transport_errors
from client._core import Attempt, Call, Core, render_job
from client._stream import TurnEvent, TurnResult, aevents_from_lines
from client._types import AnonymousToken, Balance, ClaimToken, RenderJob, SessionInfo, StateSnapshot, UploadResult
from client.timeline import diff


class AsyncNemoClient(Core):
    """Async twin of NemoClient for asyncio applications."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self.http = http or httpx.AsyncClient(base_url=self.base_url, timeout=httpx.Timeout(30, read=900))
        self.sleep = sleep

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncNemoClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> Any:
        attempt = Attempt()
        while True:
            with transport_errors():
                response = await self.http.request(call.method, call.path, json=call.json, headers=self.headers(call))
            action = self.decide(call, response, attempt)
            if action.kind == "return":
                return action.value
            if action.kind == "retry_after":
                await self.sleep(action.value)
            else:
                await self.anonymous_token()

    async def anonymous_token(self, client_id: str | None = None) -> AnonymousToken:
        data: AnonymousToken = await self._send(self.anonymous_token_call(client_id))
        self.remember_token(data)
        return data

    async def create_session(self, task_name: str = "project", language: str | None = None) -> SessionInfo:
        data: SessionInfo = await self._send(self.create_session_call(task_name, language))
        self.session_id = data["session_id"]
        return data

    async def claim_token(self, task_id: str, session_id: str) -> ClaimToken:
        data: ClaimToken = await self._send(self.claim_token_call(task_id, session_id))
        return data

    async def balance(self) -> Balance:
        data: Balance = await self._send(self.balance_call())
        return data

    async def state(self, session_id: str | None = None) -> StateSnapshot:
        data: StateSnapshot = await self._send(self.state_call(self._sid(session_id)))
        return data

    async def upload(
        self, *items: UploadItem, session_id: str | None = None, progress: Progress | None = None
    ) -> UploadResult:
        call = Call("POST", self.upload_path(self._sid(session_id)))
        with multipart_files(items, progress) as files, transport_errors():
            response = await self.http.post(call.path, files=files, headers=self.headers(call))
        data: UploadResult = self.decide(call, response, Attempt(True, True)).value
        return data

    async def upload_urls(self, *urls: str, session_id: str | None = None) -> UploadResult:
        data: UploadResult = await self._send(self.upload_urls_call(self._sid(session_id), list(urls)))
        return data

    async def stream(self, text: str, session_id: str | None = None) -> AsyncIterator[TurnEvent]:
        call = Call("POST", "/run_sse", envelope="json")
        sid = self._sid(session_id)
        headers = {**self.headers(call), "Accept": "text/event-stream"}
        with transport_errors():
            async with self.http.stream("POST", "/run_sse", json=self.run_body(sid, text), headers=headers) as response:
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    await response.aread()
                    self.decide(call, response, Attempt(True, True))
                    raise errors.ProtocolError(f"/run_sse answered {response.status_code} without an event stream")
                async for event in aevents_from_lines(response.aiter_lines()):
                    yield event

    async def chat(self, text: str, session_id: str | None = None) -> TurnResult:
        sid = self._sid(session_id)
        before = (await self.state(sid))["state"] if self.recovery.diff_silent_turns else None
        result = TurnResult()
        async for event in self.stream(text, sid):
            result.events.append(event)
        if result.silent and before is not None:
            result.changes = diff(before, (await self.state(sid))["state"])
        return result

    async def submit_render(
        self,
        draft: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        render_id: str | None = None,
        output: dict[str, Any] | None = None,
    ) -> RenderJob:
        sid = self._sid(session_id)
        if draft is None:
            draft = (await self.state(sid))["state"].get("draft") or {}
        data: RenderJob = await self._send(self.submit_render_call(sid, draft, render_id, output))
        return data

    async def render_status(self, render_id: str) -> RenderJob:
        return render_job(await self._send(self.render_status_call(render_id)))

    async def cancel_render(self, render_id: str) -> RenderJob:
        data: RenderJob = await self._send(self.cancel_render_call(render_id))
        return data

    async def download_render(self, render_id: str, dest: str | Path) -> Path:
        call = Call("GET", self.download_path(render_id), envelope="json")
        dest = Path(dest)
        tmp = dest.with_name(dest.name + ".part")
        with transport_errors():
            async with self.http.stream("GET", call.path, headers=self.headers(call)) as response:
                if response.status_code != 200 or response.headers.get("content-type", "").startswith(
                    "application/json"
                ):
                    await response.aread()
                    self.decide(call, response, Attempt(True, True))
                    raise errors.ProtocolError(f"download answered {response.status_code} without a file")
                try:
                    with tmp.open("wb") as fh:
                        async for chunk in response.aiter_bytes(1 << 16):
                            fh.write(chunk)
                    tmp.replace(dest)
                finally:
                    tmp.unlink(missing_ok=True)
        return dest

    async def wait_for_render(self, render_id: str, *, interval: float = 10.0, timeout: float = 300.0) -> RenderJob:
        waited = 0.0
        while True:
            job = await self.render_status(render_id)
            if self.render_finished(job, waited, timeout):
                return job
            await self.sleep(interval)
            waited += interval


__all__ = ["AsyncNemoClient"]
