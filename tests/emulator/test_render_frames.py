"""One frame of a draft, and the `draft` quality: a frame agrees with the export; a draft export is small and real."""

from __future__ import annotations

import io
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from nemo_emulator.media.render import render, render_frame
from tests.helpers import SKILL, anon, new_session

SAMPLE = Path("conformance/media/sample.mp4").resolve()
FPS = 10
DRAFT = {
    "m": {"width": 320, "height": 180, "fps": FPS},
    "t": [
        {"tt": 0, "sg": [{"st": 0, "d": 1500, "src": "clip", "so": 400}, {"st": 1500, "d": 1500, "src": "generated"}]},
        {"tt": 7, "sg": [{"st": 500, "d": 1500, "tx": "Frame", "sty": {"size": 90, "pos": "top-center",
                                                                    "color": "#FFD700", "fade_in": 400}}]},
    ],
}  # fmt: skip


def _resolve(src: str) -> Path | None:
    return SAMPLE if src == "clip" else None


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[int, np.ndarray]:
    """The export's frames by index, as RGB."""
    path = tmp_path_factory.mktemp("frames") / "out.mp4"
    render(DRAFT, path, _resolve, max_short=180)
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        return {round(float(f.pts * stream.time_base) * FPS): f.to_ndarray(format="rgb24") for f in c.decode(stream)}


@pytest.mark.parametrize("index", [0, 4, 6, 8, 12, 16, 20, 29])  # video, title fading in, title, pattern, …
def test_a_frame_is_the_exports_frame_at_that_time(exported: dict[int, np.ndarray], index: int) -> None:
    frame = render_frame(DRAFT, index / FPS, _resolve, max_short=180).to_ndarray(format="rgb24")
    assert frame.shape == exported[index].shape == (180, 320, 3)
    diff = np.abs(frame.astype(int) - exported[index].astype(int))
    assert diff.mean() < 1.5 and np.percentile(diff, 99) < 40, (diff.mean(), np.percentile(diff, 99))
    neighbour = exported[index + 1 if index < 29 else index - 1]  # one frame off is farther: the time is exact
    assert np.abs(frame.astype(int) - neighbour.astype(int)).mean() > 2 * diff.mean()


def test_the_title_is_in_the_frame_only_while_it_shows(exported: dict[int, np.ndarray]) -> None:
    def gold(img: np.ndarray) -> int:
        band = img[10:70, 60:260].astype(int)
        return int(((band[..., 0] > 180) & (band[..., 1] > 150) & (band[..., 2] < 90)).sum())

    shown = render_frame(DRAFT, 1.2, _resolve, max_short=180).to_ndarray(format="rgb24")
    gone = render_frame(DRAFT, 2.5, _resolve, max_short=180).to_ndarray(format="rgb24")
    assert gold(shown) > 40 and gold(exported[12]) > 40
    assert gold(gone) < 5


def _download(http: httpx.Client, h: dict[str, str], clock, quality: str) -> tuple[int, int, float, int]:
    """(width, height, fps, frames) of an export of a 2-second 1080p draft at `quality`."""
    sid = new_session(http, h)
    clip = {"st": 0, "d": 2000, "src": "generated"}
    draft = {"m": {"width": 1920, "height": 1080, "fps": 30}, "t": [{"tt": 0, "sg": [clip]}]}
    body = {"id": f"r-{quality}", "sessionId": sid, "draft": draft, "output": {"format": "mp4", "quality": quality}}
    assert http.post("/api/render/proxy/lambda", json=body, headers={**h, **SKILL}).status_code == 200
    clock.advance(120)
    done = http.get(f"/api/render/proxy/lambda/r-{quality}", headers=h).json()["data"]
    assert done["status"] == "completed", done
    with av.open(io.BytesIO(http.get(f"/api/render/proxy/r-{quality}/download", headers=h).content)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(v))
        return v.codec_context.width, v.codec_context.height, float(v.average_rate or 0), frames


@pytest.mark.slow
def test_the_draft_quality_is_540p_at_10_fps_and_a_setting_makes_every_export_one(server_factory) -> None:
    srv = server_factory(render_max_height=1080)
    with httpx.Client(base_url=srv.url, timeout=120) as http:
        h = anon(http)
        assert _download(http, h, srv.store.clock, "draft") == (960, 540, 10.0, 20)
        assert _download(http, h, srv.store.clock, "medium") == (1280, 720, 30.0, 60)
    forced = server_factory(render_max_height=1080, render_draft=True)
    with httpx.Client(base_url=forced.url, timeout=120) as http:
        h = anon(http)
        assert _download(http, h, forced.store.clock, "high") == (960, 540, 10.0, 20)
