"""The rules of an export, whichever surface submits it: the draft must be exportable within the limits, the
output options known, and a free export carries the skill's attribution (protocol §2.1, Q7); then the render
pool takes it within the user's fair share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nemo_emulator.errors import ApiError
from nemo_emulator.state.renders import HEIGHTS, RenderJob
from nemo_protocol.codes import Code
from nemo_protocol.draft import DraftError, validate
from nemo_protocol.wire import JSON

if TYPE_CHECKING:
    from nemo_emulator.state.accounts import User
    from nemo_emulator.state.sessions import Session
    from nemo_emulator.state.store import Store

RENDER_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


def output_options(output: Any) -> JSON:
    """The render's `output`, checked: mp4, and a known quality or resolution (or the `draft` quality)."""
    if output is None:
        output = {}
    if not isinstance(output, dict):
        raise ApiError(Code.BAD_REQUEST, "field 'output' must be an object")
    fmt = output.get("format", "mp4")
    if fmt != "mp4":
        raise ApiError(Code.BAD_REQUEST, "output.format must be 'mp4'")
    quality = output.get("quality", "high")
    resolution = output.get("resolution")
    for value in (quality, resolution):
        if value is not None and (not isinstance(value, str) or value not in HEIGHTS):
            raise ApiError(Code.BAD_REQUEST, f"unknown output quality/resolution {str(value)[:40]!r}; use low, "
                                             "medium, high, draft or 360p, 480p, 720p, 1080p")  # fmt: skip
    if output.get("codec", "h264") != "h264":
        raise ApiError(Code.BAD_REQUEST, "output.codec must be 'h264'")
    crf = output.get("crf", 23)
    if isinstance(crf, bool) or not isinstance(crf, int) or not 0 <= crf <= 51:
        raise ApiError(Code.BAD_REQUEST, "output.crf must be an integer from 0 to 51")
    return {**output, "format": fmt, "quality": quality, **({"resolution": resolution} if resolution else {})}


def exportable(draft: Any, store: Store) -> JSON:
    """The draft if it can be exported, else 400 naming what is wrong with it."""
    try:
        return validate(draft, store.settings.draft_limits())
    except DraftError as exc:
        raise ApiError(Code.BAD_REQUEST, f"invalid draft: {exc}") from None


def check_attribution(store: Store, user: User, attributed: bool) -> None:
    """An anonymous or free user's export without X-Skill-Source is refused with 402 (or, with
    attribution_402_only_when_exhausted, only once their credits are 0)."""
    s = store.settings
    free = user.anonymous or user.plan == "free"
    if (free and s.free_export_requires_attribution and not attributed
            and (user.available == 0 or not s.attribution_402_only_when_exhausted)):  # fmt: skip
        raise ApiError(Code.EXPORT_BLOCKED, "export is not available on the free plan without a skill: send "
                                            "X-Skill-Source/Version/Platform, or register to unlock export")


def submit_export(store: Store, user: User, render_id: Any, session: Session, draft: Any, output: Any, *,
                  attributed: bool, path: str) -> RenderJob:  # fmt: skip
    """Check and start an export of `draft` for `session`; `path` is the route it came in on (for the hooks)."""
    if not isinstance(render_id, str) or not RENDER_ID.match(render_id):
        raise ApiError(Code.BAD_REQUEST, "id must be 1-128 characters of letters, digits, '.', '_' or '-'")
    checked = exportable(draft, store)
    options = output_options(output)
    check_attribution(store, user, attributed)
    ip_users = store.accounts.anonymous_of_ip(user) if user.anonymous else None
    analyses = dict(session.state.get("video_analyses", {}))
    job = store.renders.submit(render_id, user.id, session.id, checked, options, store.uploads, analyses, ip_users)
    store.watch_clock(job.finishes_at)
    store.hooks.render_submitted(job, path)
    store.commit()
    return job
