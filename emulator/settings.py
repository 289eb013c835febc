"""Every behaviour the protocol leaves open is one field here (protocol §8, Q1–Q24).

Only the command line reads the environment or flags; `create_app` takes a `Settings`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ClockMode = Literal["manual", "auto", "realtime"]
HeartbeatStyle = Literal["empty_data", "comment", "json"]
RenderShape = Literal["wrapped", "flat", "both"]


@dataclass(frozen=True, slots=True)
class Latency:
    """Seconds of virtual time, drawn uniformly from [low, high] by the seeded RNG (Q14)."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Settings:
    """Emulator configuration; defaults are the protocol's recommended choices."""

    seed: int = 0
    """Seeds ids, latencies, silent edits and generated media: same seed + same requests = same bytes."""
    clock_mode: ClockMode = "realtime"
    """`manual`: time moves only via /_emulator/clock; `auto`: jumps to the next deadline whenever something waits
    (turns and renders finish at once, deterministically); `realtime`: follows the wall clock times `time_scale`."""
    time_scale: float = 1.0
    """Virtual seconds per real second in realtime mode (e.g. 60 makes a 200 s generation take ~3 s)."""
    start_time: float = 1767225600.0
    """Epoch seconds the manual and auto clocks start at (2026-01-01T00:00:00Z); realtime starts at the wall clock."""
    state_dir: Path | None = None
    """Where uploads and renders are written; None = a private temporary directory."""

    error_http_status: Literal["skill", "mapped", "always_200"] = "skill"
    """Q1: HTTP status sent with envelope codes. `skill`: 1001→401, 1002→404, 4001→415, 4002→413 and credits (2001)
    with 200, as the skill's table reads ("402 — not a credit issue"); `mapped`: the same but 2001 with 403;
    `always_200`: every envelope code with 200."""
    envelope_message: bool = True
    """Q2: include "message":"success" in successful code envelopes."""

    initial_credits: int = 100
    token_ttl_s: float = 7 * 24 * 3600
    anon_window_s: float = 7 * 24 * 3600
    """Q23: window for the per-client and per-IP anonymous-token limits."""
    anon_per_client_limit: int = 1
    anon_per_ip_limit: int = 10
    anonymous_reissue: Literal["reject", "return_existing"] = "reject"
    """Q8: second anonymous-token request from one client within the window."""
    claim_token_ttl_s: int = 604800
    max_client_id_len: int = 64
    max_json_body_bytes: int = 1 << 20

    heartbeat_style: HeartbeatStyle = "empty_data"
    """Q5: `empty_data` = "data:" line, `comment` = ": heartbeat", `json` = {"type":"heartbeat"}."""
    heartbeat_interval_s: float = 15.0
    sse_format: Literal["adk"] = "adk"
    """Q4: ADK v1 camelCase events."""
    agent_author: str = "nemo_agent"
    """Q21: `author` of agent events."""
    app_name: str = "nemo_agent"
    silent_edit_ratio: float = 0.3
    """Q13: share of edit turns that end with no text (the edit still applies)."""
    trailing_temp_issue_ratio: float = 0.05
    """Q13: share of turns followed by a stray "temporary issue" text."""
    latency_text: Latency = field(default_factory=lambda: Latency(5, 15))
    latency_generate: Latency = field(default_factory=lambda: Latency(100, 300))
    latency_edit: Latency = field(default_factory=lambda: Latency(10, 30))
    latency_music: Latency = field(default_factory=lambda: Latency(10, 30))
    latency_render: Latency = field(default_factory=lambda: Latency(30, 90))
    max_turn_s: float = 900.0
    """A turn never exceeds this much virtual time (the clients' --max-time 900)."""
    continue_on_disconnect: bool = True
    """Q12: the turn keeps running and updates state after the client goes away."""
    concurrent_turns: Literal["duplicate", "reject_409"] = "duplicate"
    """Q11: a second /run_sse on a busy session runs (and charges) again."""
    credits_exhausted_mode: Literal["before_turn", "in_stream"] = "before_turn"
    """Q10: with 0 credits a paid request is refused before streaming (JSON 2001, with the status error_http_status
    gives it: 200 by default, never 402); `in_stream`: the turn starts and its tool reports 2001."""
    cost_generate_video: int = 100
    """Credits for one generated clip, post-production (BGM, title) included."""
    cost_generate_music: int = 20
    cost_edit: int = 5

    max_upload_bytes: int = 500 * 1024 * 1024
    """Q16: 4002 once an upload crosses this many bytes."""
    url_fixture_map: dict[str, str] = field(default_factory=dict)
    """Q16: URL -> local file for URL uploads; other non-loopback URLs get 400 "cannot fetch url"."""

    render_status_shape: RenderShape = "wrapped"
    """Q3: poll reply shape."""
    free_export_requires_attribution: bool = True
    """Q7: an anonymous or free user's export without X-Skill-Source is refused with HTTP 402 (the skill: leaving
    out the attribution headers "triggers a 402 on export") ..."""
    attribution_402_only_when_exhausted: bool = False
    """Q7: ... or, with this on, only once the user's available credits are 0 (the changelog's narrower reading)."""
    render_retention_s: float = 86400.0
    """Q19: completed/orphaned jobs are forgotten after this much virtual time."""
    render_max_height: int = 1080
    """Upper bound of the short side of rendered MP4s (1080 = 1920x1080 / 1080x1920)."""
    render_workers: int = 1
    download_mode: Literal["bytes", "redirect"] = "bytes"
    """Q17: /download streams the MP4 or redirects to outputUrl."""

    request_log: bool = False
    """Log one line per request to the `nemo_emulator.requests` logger (`serve` turns it on unless --quiet)."""
    journal_size: int = 0
    """How many requests /_emulator/requests keeps (`--journal N`); off by default: it costs ~5% throughput."""
    mutation: Literal["envelope", "no_heartbeat", "leak_session", "balance", "wrong_code"] | None = None
    """Break one protocol rule on purpose, to prove the conformance suite notices; never set in normal use."""

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
