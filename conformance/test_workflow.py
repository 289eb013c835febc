"""A Hypothesis state machine playing a user: tokens, sessions, uploads, edits, state, credits, exports, misuse.

Laws checked after every step: no 5xx and every error in its envelope with a known code (response hook),
credits never negative and total = available + frozen, frozen back to 0 between turns, credits never
grow, state matches what the model expects, and one user's sessions stay invisible to another.
"""

from __future__ import annotations

import io
import string
import uuid
from dataclasses import dataclass, field

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule

from nemo_client import NemoClient, SessionNotFound, TokenInvalid, UnsupportedFileType
from nemo_conformance import MEDIA
from nemo_conformance.streams import framing_is_sse, run_raw
from nemo_conformance.target import Target

VALID = ["sample.mp4", "sample.png", "sample.mp3"]
words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=10)


@dataclass
class SessionModel:
    assets: int = 0
    videos: int = 0
    visuals: int = 0
    """Uploads that can be the picture (videos and images)."""
    placed: bool = False
    """Whether one of them is on the timeline (the agent puts "the video" there with the first edit)."""
    texts: list[str] = field(default_factory=list)
    bgm_volume: float | None = None
    renders: int = 0


def workflow_machine(target: Target) -> type[RuleBasedStateMachine]:
    control = target.control

    class Workflow(RuleBasedStateMachine):
        sessions = Bundle("sessions")

        @initialize()
        def new_user(self) -> None:
            self.api: NemoClient = target.client()
            self.api.anonymous_token()
            self.model: dict[str, SessionModel] = {}
            self.available = self.api.balance()["available"]
            self.stranger: NemoClient | None = None

        def teardown(self) -> None:
            self.api.close()
            if self.stranger is not None:
                self.stranger.close()

        def _turn(self, sid: str, text: str) -> None:
            turn = run_raw(self.api, text, control, sid)
            assert turn.status == 200, turn.body
            framing_is_sse(turn.lines)

        @rule(target=sessions)
        def create_session(self) -> str:
            sid = self.api.create_session()["session_id"]
            self.model[sid] = SessionModel()
            return sid

        @rule(sid=sessions, name=st.sampled_from(VALID))
        def upload_valid(self, sid: str, name: str) -> None:
            info = self.api.upload(MEDIA / name, session_id=sid)["files"][0]
            self.model[sid].assets += 1
            self.model[sid].videos += info["file_type"] == "video"
            self.model[sid].visuals += info["file_type"] in ("video", "image")

        def _edits_apply(self, sid: str) -> bool:
            """Whether an edit of "the video" will apply: one is on the timeline, or exactly one could be (it is put
            there first); with none, or several to choose from, the agent asks instead."""
            model = self.model[sid]
            if not model.placed and model.visuals == 1:
                model.placed = True
            return model.placed

        @rule(
            sid=sessions, junk=st.binary(min_size=1, max_size=256).filter(lambda b: b[:1] not in (b"\xff", b"I", b"G"))
        )
        def upload_invalid(self, sid: str, junk: bytes) -> None:
            with pytest.raises(UnsupportedFileType):
                self.api.upload(("clip.mp4", io.BytesIO(b"\0\0\0\0" + junk)), session_id=sid)

        @precondition(lambda self: self.available >= 5)
        @rule(sid=sessions, text=words, start=st.integers(0, 2))
        def add_text(self, sid: str, text: str, start: int) -> None:
            applies = self._edits_apply(sid)
            self._turn(sid, f"add text '{text}' {start}-{start + 1}s")
            if applies:
                self.model[sid].texts.append(text)

        @precondition(lambda self: self.available >= 20)
        @rule(sid=sessions, mood=st.sampled_from(["upbeat", "calm", "lo-fi"]))
        def add_music(self, sid: str, mood: str) -> None:
            applies = self._edits_apply(sid)
            self._turn(sid, f"add {mood} background music")
            if not applies:
                return
            self.model[sid].bgm_volume = self.model[sid].bgm_volume or 0.8

        @precondition(lambda self: self.available >= 5)
        @rule(sid=sessions, pct=st.integers(0, 100))
        def set_volume(self, sid: str, pct: int) -> None:
            if self.model[sid].bgm_volume is None:
                return
            self._turn(sid, f"set the music volume to {pct}%")
            self.model[sid].bgm_volume = pct / 100

        @rule(sid=st.one_of(sessions, st.just("1" * 19)))
        def read_state(self, sid: str) -> None:
            if sid not in self.model:
                with pytest.raises(SessionNotFound):
                    self.api.state(sid)
                return
            state = self.api.state(sid)["state"]
            expected = self.model[sid]
            assert len(state["video_infos"]) == expected.assets
            segments = [s for t in (state["draft"] or {}).get("t", []) for s in t.get("sg", [])]
            assert sorted(s["tx"] for s in segments if "tx" in s) == sorted(expected.texts)
            volumes = [s.get("v") for t in (state["draft"] or {}).get("t", []) if t.get("tt") == 1 for s in t["sg"]]
            assert volumes == ([] if expected.bgm_volume is None else [expected.bgm_volume])

        @precondition(lambda self: control is not None)
        @rule(sid=sessions)
        def export(self, sid: str) -> None:
            draft = self.api.state(sid)["state"]["draft"] or {}
            if not any(t.get("sg") for t in draft.get("t", [])):
                return
            render_id = f"render_{uuid.uuid4().hex[:12]}"
            self.api.submit_render(draft, session_id=sid, render_id=render_id)
            assert control is not None
            job = self.api.wait_for_render(render_id, interval=30, timeout=600, between_polls=control.advance)
            assert job["status"] == "completed"
            self.model[sid].renders += 1

        @rule(sid=sessions)
        def stranger_cannot_see_it(self, sid: str) -> None:
            if self.stranger is None:
                self.stranger = target.client()
                self.stranger.anonymous_token()
            with pytest.raises(SessionNotFound):
                self.stranger.state(sid)

        @rule(token=st.sampled_from(["nmv_usr_garbage", "clm_claimtoken", ""]))
        def misuse_token(self, token: str) -> None:
            bad = target.client(token=token)
            try:
                with pytest.raises(TokenInvalid):
                    bad.balance()
            finally:
                bad.close()

        @invariant()
        def credits_add_up(self) -> None:
            if not hasattr(self, "api"):
                return
            b = self.api.balance()
            assert b["available"] >= 0 and b["frozen"] >= 0
            assert b["total"] == b["available"] + b["frozen"]
            assert b["frozen"] == 0, "credits stay frozen after every turn has ended"
            assert b["available"] <= self.available, "credits appeared from nowhere"
            self.available = b["available"]

    return Workflow


@pytest.mark.needs_control
@pytest.mark.fresh_identity
def test_user_workflow_state_machine(nemo_target: Target) -> None:
    machine = workflow_machine(nemo_target)
    machine.TestCase.settings = settings(settings(), stateful_step_count=12)
    machine.TestCase().runTest()
