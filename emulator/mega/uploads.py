"""POST /api/upload-video/nemo_agent/<user>/<session_id>: streamed multipart `files`, or JSON `{"urls":[…]}`."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.state.fetch import fetch_all
from nemo_emulator.state.ingest import add_to_session, ingest
from nemo_emulator.state.sessions import check_path
from nemo_emulator.web.auth import authenticate, store_of
from nemo_emulator.web.body import field, read_json
from nemo_emulator.web.envelope import ok
from nemo_emulator.web.multipart import MAX_FILES, receive_files
from nemo_protocol.codes import Code
from nemo_protocol.routes import endpoint


async def _disconnected(request: Request) -> None:
    """Returns once the client has gone (the body is read by then, so the next message can only be that)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def upload(request: Request) -> Response:
    store = store_of(request)
    user = authenticate(request)
    check_path(request.path_params, user.id, store.settings.app_name)
    session = store.sessions.owned(request.path_params["session_id"], user.id)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        sinks, _ = await receive_files(request, store.uploads, user.id, "files")
    elif ctype.startswith("application/json"):
        body = await read_json(request, limit=store.settings.max_json_body_bytes)
        urls = field(body, "urls", kind=list)
        if not urls or len(urls) > MAX_FILES:
            raise ApiError(Code.BAD_REQUEST, f"urls must list 1 to {MAX_FILES} URLs")
        s = store.settings
        try:
            sinks = await fetch_all(urls, store.uploads, user.id, s.url_fixture_map, s.url_fetch_timeout_s,
                                    _disconnected(request))  # fmt: skip
        except ConnectionAbortedError:
            raise ClientDisconnect from None
    else:
        raise ApiError(Code.BAD_REQUEST, "send multipart/form-data with parts named 'files', or JSON {\"urls\": [...]}")
    accepted = await ingest(store, sinks, user.id, session)
    base = str(request.base_url)
    infos = [up.info(store.upload_url(base, up)) for up in accepted]
    await add_to_session(store, session, infos, accepted)
    return ok(request, {"files": infos, "session_state_applied": True})


routes = [Route(endpoint("upload").path, upload, methods=["POST"])]
