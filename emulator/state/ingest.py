"""Taking received files into a session: each is probed on the upload pool (users take turns, apart from the
agent's work), stored only if the world it was sent to still exists (no reset in between), and listed in the
session's state (`video_infos`, `video_analyses`). All or nothing: one rejected file drops the request's others."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING

from nemo_emulator.errors import ApiError
from nemo_emulator.state.uploads import Upload, UploadSink
from nemo_protocol.codes import Code
from nemo_protocol.wire import JSON

if TYPE_CHECKING:
    from nemo_emulator.state.sessions import Session
    from nemo_emulator.state.store import Store


def _reset() -> ApiError:
    return ApiError(Code.CONFLICT, "the emulator was reset while this upload was received; upload it again")


async def ingest(store: Store, sinks: list[UploadSink], user_id: str, session: Session) -> list[Upload]:
    """Accept every sink into `session` (as its user), or none."""
    epoch = store.epoch
    accepted: list[Upload] = []
    try:
        for sink in sinks:
            if store.epoch != epoch:
                raise _reset()
            work = functools.partial(store.uploads.accept, sink, user_id, session.id)
            try:
                upload = await asyncio.wrap_future(store.pools.uploads.submit(user_id, work))
            except FileNotFoundError:
                raise _reset() from None
            if store.epoch != epoch:
                store.uploads.forget(upload)
                raise _reset()
            store.uploads.add(upload)
            accepted.append(upload)
    except BaseException:
        for sink in sinks[len(accepted) :]:
            sink.discard()
        for upload in accepted:
            store.uploads.forget(upload)
        raise
    return accepted


async def add_to_session(store: Store, session: Session, infos: list[JSON], uploads: list[Upload]) -> None:
    """List the accepted files in the session's state, as the agent and /state see them."""
    analyses = {up.id: up.probe.analysis for up in uploads if up.probe.analysis}
    async with session.edit_lock:  # a turn's tool may be writing the same state
        session.apply_delta(
            {
                "video_infos": [*session.state.get("video_infos", []), *infos],
                "video_analyses": {**session.state.get("video_analyses", {}), **analyses},
            },
            store.clock.now(),
        )
    store.commit()
