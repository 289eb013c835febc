"""/cdn/…: the emulator serves uploads, generated media and renders itself (with HTTP Range), through signed,
expiring links (emulator/urls.py); the signature is checked before the file is looked up, so a guess learns
nothing.

Files are data, never pages: each is served with the type its content was sniffed as (never the type its name
suggests, never HTML, SVG or anything else a browser runs), with `nosniff`, a CSP `sandbox` that gives anything
opened from here an origin of its own and no script, and `attachment` where no player needs it inline.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from nemo_emulator.errors import ApiError
from nemo_emulator.web.auth import store_of
from nemo_protocol.codes import Code

_GENERATED = re.compile(r"^gen_[0-9a-f]{16}\.(wav|mp4)$")
MEDIA_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
}
"""The sniffed container format of an upload -> the only type it is ever served as."""
DATA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; media-src 'self'; img-src 'self'",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Cache-Control": "private, max-age=3600",
}


def signed(request: Request) -> None:
    """403 unless the link carries this server's unexpired signature for this very path."""
    q = request.query_params
    store_of(request).signer.check(request.url.path, q.get("e"), q.get("s"))


def serve_data(path: Path, media_type: str, *, download_as: str | None = None) -> Response:
    """A stored file as data: its own type, no sniffing, sandboxed; `download_as` makes it an attachment."""
    headers = dict(DATA_HEADERS)
    if download_as is None:
        return FileResponse(path, media_type=media_type, headers=headers, content_disposition_type="inline")
    return FileResponse(path, media_type=media_type, headers=headers, filename=download_as)


async def upload_file(request: Request) -> Response:
    signed(request)
    upload = store_of(request).uploads.by_id.get(request.path_params["upload_id"])
    if upload is None or upload.filename != request.path_params["name"] or not upload.path.exists():
        raise ApiError(Code.NOT_FOUND, "no such file")
    media_type = MEDIA_TYPES.get(upload.probe.format, "application/octet-stream")
    return serve_data(upload.path, media_type, download_as=upload.filename)


async def generated_file(request: Request) -> Response:
    signed(request)
    name = request.path_params["name"]
    path = store_of(request).root / "generated" / name
    if not _GENERATED.match(name) or not path.exists():
        raise ApiError(Code.NOT_FOUND, "no such generated media (generated videos exist only inside renders)")
    return serve_data(path, "audio/wav" if name.endswith(".wav") else "video/mp4")


async def render_file(request: Request) -> Response:
    signed(request)
    store = store_of(request)
    name = request.path_params["name"]
    job = store.renders.by_key.get(name.removesuffix(".mp4"))
    if job is None or not name.endswith(".mp4") or job.status(store.clock.now()) != "completed":
        raise ApiError(Code.NOT_FOUND, "no such render output")
    return serve_data(job.path, "video/mp4")


routes = [
    Route("/cdn/uploads/{upload_id}/{name}", upload_file, methods=["GET", "HEAD"]),
    Route("/cdn/generated/{name}", generated_file, methods=["GET", "HEAD"]),
    Route("/cdn/renders/{name}", render_file, methods=["GET", "HEAD"]),
]
