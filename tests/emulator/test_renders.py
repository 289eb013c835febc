"""The render proxy: job lifecycle on the virtual clock, the 402 rule, errors, and the MP4 it produces."""

from __future__ import annotations

import io
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from tests.conftest import Server
from tests.helpers import SKILL, anon, new_session, state, stream_lines, upload

SAMPLE = "conformance/media/sample.mp4"


def _draft_with_music_and_title(http: httpx.Client, clock, h: dict[str, str]) -> tuple[str, dict]:
    sid = new_session(http, h)
    upload(http, h, sid, SAMPLE)
    stream_lines(http, clock, h, sid, "add upbeat music at 50%")
    stream_lines(http, clock, h, sid, "add title 'HELLO' 0-1s")
    return sid, state(http, h, sid)["draft"]


def _job(store, render_id: str):
    """The job with this render id (the store keys jobs by user and id)."""
    return next(job for (_, rid), job in store.renders.by_id.items() if rid == render_id)


def _submit(
    http: httpx.Client, h: dict[str, str], sid: str, draft: dict, render_id: str = "render_1", **extra
) -> httpx.Response:
    body = {"id": render_id, "sessionId": sid, "draft": draft, "output": {"format": "mp4", "quality": "high"}, **extra}
    return http.post("/api/render/proxy/lambda", json=body, headers={**h, **SKILL})


def _poll(http: httpx.Client, h: dict[str, str], render_id: str = "render_1") -> dict:
    r = http.get(f"/api/render/proxy/lambda/{render_id}", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True
    return r.json()["data"]


def test_job_goes_pending_processing_completed_on_the_virtual_clock(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    r = _submit(http, h, sid, draft)
    assert r.json() == {"success": True, "data": {"id": "render_1", "status": "pending", "progress": 5}}
    job = _job(server.store, "render_1")
    assert 30 <= job.duration <= 90
    server.store.clock.advance(job.duration / 2)
    mid = _poll(http, h)
    assert mid["status"] == "processing" and 5 < mid["progress"] < 100 and mid["outputUrl"] is None
    server.store.clock.advance(job.duration / 2)
    done = _poll(http, h)
    assert done["status"] == "completed" and done["progress"] == 100
    assert "/cdn/renders/" in done["outputUrl"] and "&s=" in done["outputUrl"]
    assert done["completedAt"] - done["createdAt"] == round(job.duration * 1000)
    assert done["output"]["url"] == done["outputUrl"] and done["output"]["duration"] == 3.0
    dl = http.get("/api/render/proxy/render_1/download", headers=h)
    assert dl.status_code == 200 and dl.headers["content-type"] == "video/mp4"
    assert http.get(done["outputUrl"]).content == dl.content


def test_rendered_mp4_matches_the_draft(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    _submit(http, h, sid, draft)
    server.store.clock.advance(90)
    assert _poll(http, h)["status"] == "completed"
    data = http.get("/api/render/proxy/render_1/download", headers=h).content
    with av.open(io.BytesIO(data)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert v.codec_context.name == "h264" and a.codec_context.name == "aac"
        assert (v.codec_context.width, v.codec_context.height) == (426, 240)
        assert v.frames / 30 == pytest.approx(3.0, abs=1 / 30)
        assert float(v.duration * v.time_base) == pytest.approx(3.0, abs=1 / 30)
        top_white = {}
        for frame in c.decode(v):
            t = float(frame.pts * v.time_base)
            img = frame.to_ndarray(format="rgb24")
            band = img[int(240 * 0.06) : int(240 * 0.2), 150:276]
            top_white[round(t, 2)] = int((band.min(axis=2) > 200).sum())
    assert max(n for t, n in top_white.items() if 0.6 <= t < 0.9) > 30
    assert max(n for t, n in top_white.items() if t >= 1.2) == 0
    with av.open(io.BytesIO(data)) as c:
        samples = np.concatenate([f.to_ndarray().ravel() for f in c.decode(audio=0)])
    assert float(np.sqrt(np.mean(samples**2))) > 0.02


@pytest.mark.slow
def test_full_hd_render_of_a_generated_clip(server_factory) -> None:
    srv = server_factory(render_max_height=1080)
    with httpx.Client(base_url=srv.url, timeout=120) as http:
        h = anon(http)
        sid = new_session(http, h)
        stream_lines(http, srv.store.clock, h, sid, "generate a 4 second vertical video of a neon city")
        draft = state(http, h, sid)["draft"]
        assert _submit(http, h, sid, draft).status_code == 200
        srv.store.clock.advance(90)
        assert _poll(http, h)["status"] == "completed"
        with av.open(io.BytesIO(http.get("/api/render/proxy/render_1/download", headers=h).content)) as c:
            v = c.streams.video[0]
            assert (v.codec_context.width, v.codec_context.height) == (1080, 1920)
            assert float(c.duration / av.time_base) == pytest.approx(4.0, abs=0.07)


def test_free_export_without_attribution_is_402(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    body = {"id": "r1", "sessionId": sid, "draft": draft}
    r = http.post("/api/render/proxy/lambda", json=body, headers=h)
    assert r.status_code == 402
    assert r.json()["success"] is False and r.json()["code"] == 402 and "register" in r.json()["error"]
    assert http.post("/api/render/proxy/lambda", json=body, headers={**h, **SKILL}).status_code == 200


def test_the_narrower_402_rule_waits_for_credits_to_run_out(server_factory) -> None:
    srv = server_factory(attribution_402_only_when_exhausted=True)
    with httpx.Client(base_url=srv.url) as http:
        h = anon(http)
        sid, draft = _draft_with_music_and_title(http, srv.store.clock, h)
        body = {"id": "r1", "sessionId": sid, "draft": draft}
        assert http.post("/api/render/proxy/lambda", json=body, headers=h).status_code == 200
        next(iter(srv.store.accounts.users.values())).available = 0
        assert http.post("/api/render/proxy/lambda", json={**body, "id": "r2"}, headers=h).status_code == 402


def test_export_costs_no_credits(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    before = http.get("/api/credits/balance/simple", headers=h).json()["data"]
    _submit(http, h, sid, draft)
    server.store.clock.advance(90)
    _poll(http, h)
    assert http.get("/api/credits/balance/simple", headers=h).json()["data"] == before


@pytest.mark.parametrize(
    ("draft", "needle"),
    [
        ("nope", "draft"),
        ({}, "no segments"),
        ({"t": []}, "no segments"),
        ({"t": [{"tt": "0", "sg": [{"d": 1000}]}]}, "tt"),
        ({"t": [{"tt": 0, "sg": [{"d": -5}]}]}, "must be positive"),
        ({"t": [{"tt": 0, "sg": [{"st": -1, "d": 5}]}]}, "non-negative"),
        ({"t": [{"tt": 0, "sg": [{"st": 0, "d": 2000}, {"st": 1000, "d": 2000}]}]}, "overlap"),
        ({"d": 0, "t": [{"tt": 0, "sg": [{"d": 5}]}]}, "draft.d"),
        ({"t": [{"tt": 0, "sg": [{"st": 0}]}]}, ".d"),
        ({"t": [{"tt": 1, "sg": [{"d": 1000, "v": 3}]}]}, "volume"),
        ({"t": [{"tt": 7, "sg": [{"d": 1000, "tx": 5}]}]}, "tx"),
        ({"t": [{"tt": 0, "sg": "x"}]}, "sg"),
    ],
)
def test_bad_drafts_are_400(http: httpx.Client, draft: object, needle: str) -> None:
    h = anon(http)
    sid = new_session(http, h)
    r = _submit(http, h, sid, draft)  # type: ignore[arg-type]
    assert r.status_code == 400 and r.json()["success"] is False and needle in r.json()["error"]


def test_unknown_keys_and_track_types_round_trip(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid = new_session(http, h)
    draft = {
        "t": [{"tt": 3, "fx": {"glow": 1}, "sg": [{"d": 500, "zz": [1]}]}, {"tt": 7, "sg": [{"d": 500, "tx": "A"}]}],
        "extra": True,
    }
    assert _submit(http, h, sid, draft).status_code == 200
    assert _job(server.store, "render_1").draft == draft


def test_duplicate_unknown_and_foreign_ids(http: httpx.Client, server: Server) -> None:
    alice, bob = anon(http, "a"), anon(http, "b")
    sid, draft = _draft_with_music_and_title(http, server.store.clock, alice)
    assert _submit(http, alice, sid, draft).status_code == 200
    dup = _submit(http, alice, sid, draft)
    assert dup.status_code == 409 and dup.json()["error"].startswith("duplicate id")
    assert http.get("/api/render/proxy/lambda/nope", headers=alice).status_code == 404
    foreign = http.get("/api/render/proxy/lambda/render_1", headers=bob)
    assert foreign.status_code == 404 and foreign.json() == {
        "success": False,
        "error": "render 'render_1' not found",
        "code": 404,
    }
    assert _submit(http, bob, sid, draft, "other").json()["code"] == 1002
    bad = _submit(http, alice, sid, draft, "../../x")
    assert bad.status_code == 400


def test_cancel_and_download_rules(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    _submit(http, h, sid, draft, "a")
    _submit(http, h, sid, draft, "b")
    assert http.get("/api/render/proxy/a/download", headers=h).status_code == 409
    r = http.post("/api/render/proxy/lambda/a/cancel", headers=h)
    assert r.json() == {"success": True, "data": {"id": "a", "status": "cancelled"}}
    server.store.clock.advance(90)
    assert _poll(http, h, "a")["status"] == "cancelled"
    assert _poll(http, h, "b")["status"] == "completed"
    assert http.post("/api/render/proxy/lambda/b/cancel", headers=h).status_code == 409


def test_orphaned_jobs_finish_unpolled_and_expire_after_retention(http: httpx.Client, server: Server) -> None:
    h = anon(http)
    sid, draft = _draft_with_music_and_title(http, server.store.clock, h)
    _submit(http, h, sid, draft)
    server.store.clock.advance(3600)
    assert _poll(http, h)["status"] == "completed"
    server.store.clock.advance(86400)
    r = http.get("/api/render/proxy/lambda/render_1", headers=h)
    assert r.status_code == 404 and r.json()["success"] is False


@pytest.mark.parametrize("shape", ["flat", "both"])
def test_render_status_shape_setting(server_factory, shape: str) -> None:
    srv = server_factory(render_status_shape=shape)
    with httpx.Client(base_url=srv.url, timeout=60) as http:
        h = anon(http)
        sid = new_session(http, h)
        _submit(http, h, sid, {"t": [{"tt": 7, "sg": [{"d": 500, "tx": "A"}]}]})
        body = http.get("/api/render/proxy/lambda/render_1", headers=h).json()
        assert body["status"] == "pending"
        assert ("taskId" in body) == (shape == "flat") and ("success" in body) == (shape == "both")


def test_real_time_poll_answers_at_once_while_the_encode_is_late_and_the_job_waits_for_it(server_factory) -> None:
    import threading

    srv = server_factory(clock_mode="realtime", render_workers=1)
    gate = threading.Event()
    srv.store.pools.renders.submit("someone else", gate.wait)  # the only encoder is busy: this job's MP4 will be late
    try:
        with httpx.Client(base_url=srv.url, timeout=10) as http:
            h = anon(http)
            sid = new_session(http, h)
            _submit(http, h, sid, {"t": [{"tt": 7, "sg": [{"d": 500, "tx": "A"}]}]})
            job = _job(srv.store, "render_1")
            srv.store.clock.advance(job.duration + 1)
            assert _poll(http, h) | {"createdAt": 0} == {
                "id": "render_1",
                "status": "processing",
                "progress": 99,
                "outputUrl": None,
                "createdAt": 0,
                "completedAt": None,
            }
            srv.store.clock.advance(2 * srv.store.settings.render_retention_s)
            assert _poll(http, h)["status"] == "processing"  # retention counts from the end of the encode
            finished = threading.Event()
            assert job.encode is not None
            job.encode.add_done_callback(lambda _: finished.set())  # runs after the emulator's own callbacks
            gate.set()
            assert finished.wait(120)
            done = _poll(http, h)
            assert done["status"] == "completed" and done["completedAt"] / 1000 > job.finishes_at + 86400
    finally:
        gate.set()


@pytest.mark.parametrize("source", ["upload", "generated"])
def test_titles_keep_their_colour_on_either_picture_path(tmp_path, source: str) -> None:
    """Video that needs no crop is drawn on directly in YUV; generated and cropped pictures in RGB: same result."""
    from nemo_emulator.media.render import render

    sample = Path(SAMPLE).resolve()
    draft = {
        "m": {"width": 320, "height": 240, "fps": 10},
        "t": [
            {"tt": 0, "sg": [{"st": 0, "d": 1000, "src": "clip"}]},
            {
                "tt": 7,
                "sg": [
                    {"st": 0, "d": 1000, "tx": "RED", "sty": {"color": "#FF0000", "size": 120, "pos": "top-center"}}
                ],
            },
        ],
    }
    render(draft, tmp_path / "t.mp4", lambda src: sample if source == "upload" else None)
    with av.open(str(tmp_path / "t.mp4")) as c:
        img = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    band = img[10:70, 100:220]
    red = (band[..., 0] > 180) & (band[..., 1] < 80) & (band[..., 2] < 80)
    assert red.sum() > 200, red.sum()
    below = img[150:230, 100:220]
    assert not ((below[..., 0] > 180) & (below[..., 1] < 80) & (below[..., 2] < 80)).any()
