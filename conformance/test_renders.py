"""Exports: submit, poll, cancel, download, duplicate ids (protocol §3.8–§3.11)."""

from __future__ import annotations

import io
import time

import av
import pytest

from nemo_client import Conflict, NemoClient, NotFound
from nemo_conformance import MEDIA
from nemo_conformance.streams import run_raw
from nemo_conformance.target import Control, Target, UserFactory


def _draft(user: NemoClient, control: Control | None) -> dict[str, object]:
    user.upload(MEDIA / "sample.mp4")
    run_raw(user, "add title 'Render me' 0-1s", control)
    return user.state()["state"]["draft"]


@pytest.mark.needs_control
@pytest.mark.costs(5)
def test_render_lifecycle_and_download(user: NemoClient, control: Control) -> None:
    draft = _draft(user, control)
    render_id = f"render_{int(time.time() * 1000)}"
    job = user.submit_render(draft, render_id=render_id)
    assert job["id"] == render_id and job["status"] in ("pending", "processing")
    seen = []
    done = user.wait_for_render(
        render_id,
        interval=15,
        timeout=600,
        on_progress=lambda j: seen.append(j["progress"]),
        between_polls=control.advance,
    )
    assert seen == sorted(seen) and done["progress"] == 100
    data = user.http.get(user.download_path(render_id), headers=user.headers(user.balance_call())).content
    with av.open(io.BytesIO(data)) as c:
        assert {s.type for s in c.streams} >= {"video"}


@pytest.mark.costs(5)
def test_duplicate_render_id_is_refused(user: NemoClient, nemo_target: Target) -> None:
    draft = _draft(user, nemo_target.control)
    render_id = f"render_dup_{int(time.time() * 1000)}"
    user.submit_render(draft, render_id=render_id)
    with pytest.raises(Conflict):
        user.submit_render(draft, render_id=render_id)


def test_unknown_render_is_404_in_the_success_envelope(user: NemoClient) -> None:
    with pytest.raises(NotFound):
        user.render_status("render_does_not_exist_0")


@pytest.mark.costs(5)
def test_another_users_render_is_invisible(user: NemoClient, new_user: UserFactory, nemo_target: Target) -> None:
    draft = _draft(user, nemo_target.control)
    render_id = f"render_private_{int(time.time() * 1000)}"
    user.submit_render(draft, render_id=render_id)
    intruder = new_user()
    with pytest.raises(NotFound):
        intruder.render_status(render_id)
