"""POST /files/upload: one multipart part named `file` and a `session_id` field (older clients: `project_id`);
the file joins the session's state and its `files:<session>` entries (protocol A.3)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.gateway.auth import paid_user
from nemo_emulator.state.ingest import add_to_session, ingest
from nemo_emulator.web.auth import store_of
from nemo_emulator.web.envelope import ok
from nemo_emulator.web.multipart import receive_files
from nemo_protocol.gateway import GatewayCode, route


async def upload(request: Request) -> Response:
    store = store_of(request)
    user = paid_user(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(GatewayCode.BAD_REQUEST, "send multipart/form-data with a part named 'file' and a session_id")
    sinks, fields = await receive_files(request, store.uploads, user.id, "file")
    try:
        if len(sinks) != 1:
            raise ApiError(GatewayCode.BAD_REQUEST, "send exactly one part named 'file'")
        if fields.get("session_id"):
            session = store.sessions.owned(fields["session_id"], user.id)
        elif fields.get("project_id"):
            session = store.sessions.project(fields["project_id"], user.id)
        else:
            raise ApiError(GatewayCode.BAD_REQUEST, "missing form field 'session_id'")
    except BaseException:
        for sink in sinks:
            sink.discard()
        raise
    accepted = await ingest(store, sinks, user.id, session)
    base = str(request.base_url)
    infos = [up.info(store.upload_url(base, up)) for up in accepted]
    await add_to_session(store, session, infos, accepted)
    up = accepted[0]
    return ok(request, {"file_id": up.id, "filename": up.filename, "url": infos[0]["cdn_url"],
                        "session_id": session.id, "project_id": session.task_id, **infos[0]})  # fmt: skip


routes = [Route(route("upload").path, upload, methods=["POST"])]
