"""Durable state for `--state-dir`: a JSON snapshot of the store, replaced atomically after every change.

Written (and fsynced) before the change is acknowledged, so a `kill -9` loses nothing that was answered.
Turns running at the moment of a crash are lost with their frozen credits, which are refunded on load;
render jobs whose MP4 was not finished are encoded again.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemo_emulator.media.probe import Probe
from nemo_emulator.state.accounts import Token, User
from nemo_emulator.state.renders import RenderJob
from nemo_emulator.state.sessions import Session
from nemo_emulator.state.uploads import Upload
from nemo_protocol.wire import dumps

if TYPE_CHECKING:
    from nemo_emulator.state.store import Store

SNAPSHOT = "state.json"
_SESSION_FIELDS = ("id", "task_id", "user_id", "task_name", "language", "created_at", "state", "turns", "version",
                   "updated_at")
_JOB_FIELDS = (
    "id",
    "user_id",
    "session_id",
    "draft",
    "output",
    "submitted_at",
    "duration",
    "cancelled_at",
    "error",
    "fail_at",
    "result",
    "encoded_at",
    "key",
)


_USER_FIELDS = tuple(f.name for f in dataclasses.fields(User))
_TOKEN_FIELDS = tuple(f.name for f in dataclasses.fields(Token))


def snapshot(store: Store) -> dict[str, Any]:
    """The store as JSON values. Values are shared with the live store, not copied: it is encoded at once."""
    acc = store.accounts
    return {
        "version": 1,
        "now": store.clock.now(),
        "ids": store.ids.getstate(),
        "url_key": store.signer.key.hex(),
        "users": [{f: getattr(u, f) for f in _USER_FIELDS} for u in acc.users.values()],
        "tokens": [{f: getattr(t, f) for f in _TOKEN_FIELDS} for t in acc.tokens.values()],
        "claims": {k: list(v) for k, v in acc.claims.items()},
        "by_client": {k: [list(x) for x in v] for k, v in acc._by_client.items() if v},
        "by_ip": {k: list(v) for k, v in acc._by_ip.items() if v},
        "client_users": acc.client_users,
        "ledger": acc.ledger.lines,
        "sessions": [{f: getattr(s, f) for f in _SESSION_FIELDS} for s in store.sessions.by_id.values()],
        "uploads": [
            {
                "id": u.id,
                "user_id": u.user_id,
                "session_id": u.session_id,
                "filename": u.filename,
                "path": str(u.path.relative_to(store.root)),
                "size": u.size,
                "hash": u.hash,
                "probe": dataclasses.asdict(u.probe),
            }
            for u in store.uploads.by_id.values()
        ],
        "renders": [
            {**{f: getattr(j, f) for f in _JOB_FIELDS}, "path": str(j.path.relative_to(store.root))}
            for j in store.renders.by_id.values()
        ],
    }


def save(store: Store) -> None:
    """Write the snapshot atomically: temp file, fsync, rename."""
    path = store.root / SNAPSHOT
    tmp = path.with_suffix(".tmp")
    data = dumps(snapshot(store))
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _inside(root: Path, relative: object, sub: str) -> Path | None:
    """`root/relative` if it names a file under `root/sub` (a snapshot from elsewhere must not point outside)."""
    if not isinstance(relative, str) or not relative:
        return None
    base = (root / sub).resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(base) and path != base else None


def load(store: Store) -> bool:
    """Restore the store from its snapshot, if there is one."""
    path = store.root / SNAPSHOT
    if not path.exists():
        return False
    data = json.loads(path.read_text())
    if data["now"] > store.clock.now():
        store.clock.set(data["now"])
    store.ids.setstate(data["ids"])
    if "url_key" in data:
        store.signer.key = bytes.fromhex(data["url_key"])
    acc = store.accounts
    for u in data["users"]:
        user = User(**u)
        user.available += user.frozen  # the turns that froze these credits died with the old process
        user.frozen = 0
        acc.users[user.id] = user
    for t in data["tokens"]:
        token = Token(**{**t, "scopes": tuple(t["scopes"])})
        acc.tokens[token.value] = token
    acc.claims.update({k: tuple(v) for k, v in data["claims"].items()})
    for k, v in data["by_client"].items():
        acc._by_client[k] = [tuple(x) for x in v]
    for k, v in data["by_ip"].items():
        acc._by_ip[k] = list(v)
    acc.client_users.update(data.get("client_users", {}))
    acc.ledger.lines.update({k: [tuple(x) for x in v] for k, v in data.get("ledger", {}).items()})
    for s in data["sessions"]:
        store.sessions.add(Session(**s))
    for u in data["uploads"]:
        where = _inside(store.root, u["path"], "uploads")
        if where is None:
            continue
        upload = Upload(
            u["id"],
            u["user_id"],
            u["session_id"],
            u["filename"],
            where,
            u["size"],
            u["hash"],
            Probe(**u["probe"]),
        )
        if upload.path.exists():
            store.uploads.add(upload)
    for j in data["renders"]:
        where = _inside(store.root, j["path"], "renders")
        if where is None:
            continue
        job = RenderJob(
            **{f: j[f] for f in _JOB_FIELDS if f not in ("result", "encoded_at", "key")},
            path=where,
            result=j.get("result") or {},
            encoded_at=j.get("encoded_at"),
            key=j.get("key") or j["id"],
        )
        store.renders.by_id[(job.user_id, job.id)] = job
        store.renders.by_key[job.key] = job
        if job.cancelled_at is None and job.error is None:
            session = store.sessions.by_id.get(job.session_id)
            analyses = dict(session.state.get("video_analyses", {})) if session else {}
            if job.path.exists() and job.result:
                job.encode = _done(job.result)
            else:
                store.renders.start_encode(job, store.uploads, analyses)
    return True


def _done(result: dict[str, Any]) -> Any:
    import concurrent.futures

    fut: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
    fut.set_result(result)
    return fut


def exists(root: Path) -> bool:
    return (root / SNAPSHOT).exists()
