"""Upload rules (formats 4001, size 4002, safe names) and upload records.

Bytes are streamed into a sink on disk as they arrive; nothing partial survives a failure.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemo_emulator.errors import ApiError
from nemo_emulator.ids import Ids
from nemo_emulator.media.probe import NotMedia, Probe, probe
from nemo_emulator.settings import Settings
from nemo_protocol.codes import ACCEPTED_FORMATS, Code

ACCEPTED_LIST = ", ".join(ext for group in ACCEPTED_FORMATS.values() for ext in group)
_UNSAFE = re.compile(r"[^\w.\- ()\[\]+,@]+")


def safe_filename(raw: str | None) -> str:
    """A display/storage name with no directories, control characters or absurd length."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name or "upload"


@dataclass(slots=True)
class Upload:
    id: str
    user_id: str
    session_id: str
    filename: str
    path: Path
    size: int
    hash: str
    probe: Probe

    def info(self, cdn_url: str) -> dict[str, Any]:
        """The `files[]` / `video_infos[]` entry (§3.5), with the file's (signed) public URL."""
        p = self.probe
        return {
            "id": self.id,
            "filename": self.filename,
            "file_type": p.file_type,
            "format": p.format,
            "cdn_url": cdn_url,
            "duration": p.duration,
            "width": p.width,
            "height": p.height,
            "fps": p.fps,
            "has_audio": p.has_audio,
            "size": self.size,
            "hash": self.hash,
        }


class UploadSink:
    """One file being received: hashes and counts as it writes, stops at the size limit or the user's quota."""

    def __init__(self, path: Path, limit: int, filename: str, owner: Uploads | None = None, quota: int | None = None,
                 user_id: str = "") -> None:  # fmt: skip
        self.path, self.limit, self.filename, self._owner = path, limit, filename, owner
        self.quota, self.user_id = quota, user_id
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("wb")
        self._sha = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise ApiError(Code.FILE_TOO_LARGE, f"{self.filename}: larger than {self.limit} bytes; compress or trim it")
        if self.quota is not None and self.size > self.quota:
            raise ApiError(Code.FILE_TOO_LARGE, f"{self.filename}: your uploads would pass your storage quota; "
                                                "delete some or compress this one")  # fmt: skip
        self._fh.write(chunk)
        self._sha.update(chunk)

    def close(self) -> str:
        self._fh.close()
        self._done()
        return self._sha.hexdigest()[:16]

    def discard(self) -> None:
        self._fh.close()
        self.path.unlink(missing_ok=True)
        self._done()

    def _done(self) -> None:
        if self._owner is not None:
            self._owner.finished(self)


@dataclass
class Uploads:
    """Accepted uploads and the ones being received. Records change on the event loop only (`add`, `forget`);
    the thread that probes a file (`accept`) hands back a record without storing it."""

    settings: Settings
    ids: Ids
    root: Path
    by_id: dict[str, Upload] = field(default_factory=dict)
    incoming: set[UploadSink] = field(default_factory=set)
    stored: dict[str, int] = field(default_factory=dict)
    """Bytes each user's accepted uploads hold (the storage quota)."""
    _idle: threading.Condition = field(default_factory=threading.Condition)

    def open(self, filename: str | None, user_id: str = "") -> UploadSink:
        name = safe_filename(filename)
        with self._idle:
            receiving = sum(s.size for s in self.incoming if s.user_id == user_id)
        quota = self.settings.max_upload_bytes_per_user - self.stored.get(user_id, 0) - receiving
        path = self.root / ".incoming" / self.ids.media("up")
        sink = UploadSink(path, self.settings.max_upload_bytes, name, self, max(0, quota), user_id)
        with self._idle:
            self.incoming.add(sink)
            self._idle.notify_all()
        return sink

    def finished(self, sink: UploadSink) -> None:
        with self._idle:
            self.incoming.discard(sink)
            self._idle.notify_all()

    def wait_idle(self, timeout: float, *, busy: bool = False) -> bool:
        """Block until no upload is being received, or with `busy` until one is (lets a test see the server work)."""
        with self._idle:
            return self._idle.wait_for(lambda: bool(self.incoming) == busy, timeout)

    def accept(self, sink: UploadSink, user_id: str, session_id: str) -> Upload:
        """Probe a fully received file and move it in place: its record, or 4001 (and the file deleted) if it is not
        accepted media. Runs in a worker thread; the caller stores the record with `add`."""
        digest = sink.close()
        try:
            if sink.size == 0:
                raise NotMedia("file is empty")
            result = probe(sink.path)
        except NotMedia as exc:
            sink.path.unlink(missing_ok=True)
            raise ApiError(
                Code.UNSUPPORTED_FILE_TYPE, f"{sink.filename}: {exc}; accepted formats: {ACCEPTED_LIST}"
            ) from None
        upload_id = sink.path.name
        final = self.root / upload_id / sink.filename
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(sink.path, final)
        return Upload(upload_id, user_id, session_id, sink.filename, final, sink.size, digest, result)

    def add(self, upload: Upload) -> None:
        self.by_id[upload.id] = upload
        self.stored[upload.user_id] = self.stored.get(upload.user_id, 0) + upload.size

    def forget(self, upload: Upload) -> None:
        """Drop an upload and its file (a later file of the same request was rejected)."""
        if self.by_id.pop(upload.id, None) is not None:
            self.stored[upload.user_id] = self.stored.get(upload.user_id, 0) - upload.size
        shutil.rmtree(upload.path.parent, ignore_errors=True)
