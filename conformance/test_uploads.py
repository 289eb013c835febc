"""Uploads: accepted formats, content-based rejection, multiple files, URL mode (protocol §3.5)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_client import BadRequest, NemoClient, UnsupportedFileType
from nemo_conformance import MEDIA


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sample.mp4", "video"),
        ("sample.mov", "video"),
        ("sample.png", "image"),
        ("sample.jpg", "image"),
        ("sample.mp3", "audio"),
        ("sample.wav", "audio"),
    ],
)
def test_accepted_formats_upload_and_appear_in_state(user: NemoClient, name: str, kind: str) -> None:
    info = user.upload(MEDIA / name)["files"][0]
    assert info["file_type"] == kind and info["filename"] == name
    assert [v["filename"] for v in user.state()["state"]["video_infos"]] == [name]


def test_video_metadata_is_measured(user: NemoClient) -> None:
    info = user.upload(MEDIA / "sample.mp4")["files"][0]
    assert abs(info["duration"] - 3.0) < 0.1 and (info["width"], info["height"]) == (320, 240)


def test_several_files_in_one_request(user: NemoClient) -> None:
    files = user.upload(MEDIA / "sample.mp4", MEDIA / "sample.png")["files"]
    assert [f["file_type"] for f in files] == ["video", "image"]


@given(
    content=st.binary(min_size=0, max_size=2048).filter(lambda b: not b.startswith((b"\xff", b"ID3", b"GIF8"))),
    ext=st.sampled_from(["mp4", "mov", "png", "mp3", "exe", "txt"]),
)
def test_non_media_bytes_are_4001_whatever_the_name(user: NemoClient, content: bytes, ext: str) -> None:
    with pytest.raises(UnsupportedFileType):
        user.upload((f"file.{ext}", io.BytesIO(content)))
    assert user.state()["state"]["video_infos"] == []


def test_cdn_url_serves_the_uploaded_bytes(user: NemoClient) -> None:
    info = user.upload(MEDIA / "sample.png")["files"][0]
    r = user.http.get(info["cdn_url"])
    assert r.status_code == 200 and r.content == (MEDIA / "sample.png").read_bytes()


def test_url_upload_of_an_unreachable_url_is_400(user: NemoClient) -> None:
    with pytest.raises(BadRequest):
        user.upload_urls("https://unreachable.invalid/video.mp4")
