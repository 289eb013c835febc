"""What the mega API's and the gateway's render proxies share: a job's status as they report it, and the short wait
a poll makes for an encode that virtual time says is done."""

from __future__ import annotations

import asyncio
import contextlib

from nemo_emulator.state.renders import RenderJob
from nemo_emulator.state.store import Store
from nemo_protocol.wire import JSON

_ENCODE_WAIT_S = 300.0
_ENCODE_WAIT_REALTIME_S = 2.0


async def settle(store: Store, job: RenderJob) -> None:
    """Virtual time says "done": let the real encode catch up. A manual or auto clock waits for it, so a test's
    status never depends on CPU speed; a real-time one only briefly, then says "processing" (99%), so that a poll
    never outlasts a client's timeout."""
    if job.cancelled_at is None and job.encode is not None and store.clock.now() >= job.finishes_at:
        wait = _ENCODE_WAIT_REALTIME_S if store.clock.mode == "realtime" else _ENCODE_WAIT_S
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job.encode)), wait)


def status_view(store: Store, job: RenderJob, base_url: str) -> JSON:
    """`{id, status, progress, outputUrl, createdAt, completedAt[, output, error]}` (protocol §3.9, A.3)."""
    now = store.clock.now()
    status = job.status(now)
    done = status == "completed"
    data: JSON = {
        "id": job.id,
        "status": status,
        "progress": job.progress(now),
        "outputUrl": store.output_url(base_url, job) if done else None,
        "createdAt": int(job.submitted_at * 1000),
        "completedAt": int(job.done_at * 1000) if done else None,
    }
    if done and (info := job.output_info()):
        data["output"] = {"url": data["outputUrl"], **info}
    if (error := job.failure(now)) is not None:
        data["error"] = error
    return data
