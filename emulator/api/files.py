"""/cdn/…: the emulator serves uploads and generated media itself (with HTTP Range), through signed, expiring links
(emulator/urls.py); the signature is checked before the file is looked up, so a guess learns nothing."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from nemo_emulator.auth import store_of
from nemo_emulator.errors import ApiError
from nemo_protocol.codes import Code

_GENERATED = re.compile(r"^gen_[0-9a-f]{16}\.(wav|mp4)$")


def signed(request: Request) -> None:
    """403 unless the link carries this server's unexpired signature for this very path."""
    q = request.query_params
    store_of(request).signer.check(request.url.path, q.get("e"), q.get("s"))


async def upload_file(request: Request) -> Response:
    signed(request)
    upload = store_of(request).uploads.by_id.get(request.path_params["upload_id"])
    if upload is None or upload.filename != request.path_params["name"] or not upload.path.exists():
        raise ApiError(Code.NOT_FOUND, "no such file")
    return FileResponse(upload.path, filename=upload.filename, content_disposition_type="inline")


async def generated_file(request: Request) -> Response:
    signed(request)
    name = request.path_params["name"]
    store = store_of(request)
    path = store.root / "generated" / name
    if not _GENERATED.match(name) or not path.exists():
        raise ApiError(Code.NOT_FOUND, "no such generated media (generated videos exist only inside renders)")
    return FileResponse(path, media_type="audio/wav" if name.endswith(".wav") else "video/mp4")


routes = [
    Route("/cdn/uploads/{upload_id}/{name}", upload_file, methods=["GET", "HEAD"]),
    Route("/cdn/generated/{name}", generated_file, methods=["GET", "HEAD"]),
]
