"""How the gateway shows a project's draft (protocol A.3): as `timeline_draft`, whose uploaded sources are paths
in the agent's sandbox (`/mnt/userdata/<session>/<file>`), beside `files:<session>` entries that map each file to
its `cdn_url`; clients rewrite the one to the other before they render (the official CLI does)."""

from __future__ import annotations

import copy
from urllib.parse import unquote, urlsplit

from nemo_emulator.errors import ApiError
from nemo_emulator.state.sessions import Session
from nemo_emulator.state.store import Store
from nemo_emulator.state.uploads import Upload
from nemo_protocol import draft as drafts
from nemo_protocol.gateway import GatewayCode
from nemo_protocol.wire import JSON

SANDBOX = "/mnt/userdata/"


def _name(session: Session, upload: Upload) -> str:
    """The file's name in the sandbox: unique within the session, so that the clients' rewrite is unambiguous."""
    return f"{upload.id}_{upload.filename}"


def _uploads(store: Store, session: Session) -> list[Upload]:
    return [u for u in store.uploads.by_id.values() if u.session_id == session.id]


def _upload_of(store: Store, src: str) -> Upload | None:
    parts = urlsplit(src).path.split("/")
    if len(parts) >= 5 and parts[1:3] == ["cdn", "uploads"]:
        upload = store.uploads.by_id.get(parts[3])
        if upload is not None and upload.filename == unquote(parts[4]):
            return upload
    return None


def files(store: Store, session: Session, base_url: str) -> list[JSON]:
    """The `files:<session>` entries: each upload with its cdn_url and its key in storage."""
    return [{"file_id": u.id, "filename": u.filename, "cdn_url": store.upload_url(base_url, u),
             "s3_key": f"userdata/{session.id}/{_name(session, u)}", "file_type": u.probe.file_type,
             "mime_type": u.probe.format, "size": u.size, "duration": u.probe.duration}
            for u in _uploads(store, session)]  # fmt: skip


def timeline(store: Store, session: Session) -> JSON:
    """The session's draft with every uploaded source as its sandbox path."""
    draft = copy.deepcopy(session.state.get("draft") or {})
    for _, seg in drafts.segments(draft):
        src = seg.get("src")
        upload = _upload_of(store, src) if isinstance(src, str) else None
        if upload is not None:
            seg["src"] = f"{SANDBOX}{session.id}/{_name(session, upload)}"
    return draft


def resolve_sandbox(store: Store, session: Session, draft: JSON, base_url: str) -> JSON:
    """A draft to render: sandbox paths are refused (the render service cannot read the sandbox), or with
    gateway_sandbox_paths=resolve turned back into the files' URLs."""
    names = {f"{SANDBOX}{session.id}/{_name(session, u)}": u for u in _uploads(store, session)}
    for _, seg in drafts.segments(draft):
        src = seg.get("src")
        if not isinstance(src, str) or not src.startswith(SANDBOX):
            continue
        if store.settings.gateway_sandbox_paths != "resolve":
            raise ApiError(GatewayCode.BAD_REQUEST, f"invalid draft: source {src[:200]!r} is a sandbox path the "
                                                    "render service cannot read; rewrite it to the file's cdn_url "
                                                    "(the files:<session> entries of /api/v1/state/frontend)")
        upload = names.get(src)
        if upload is None:
            raise ApiError(GatewayCode.BAD_REQUEST, f"invalid draft: no file at {src[:200]!r}")
        seg["src"] = store.upload_url(base_url, upload)
    return draft
