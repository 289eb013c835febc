"""Every behaviour the protocol leaves open is one field here (protocol §8, Q1–Q24).

Only the command line reads the environment or flags; `create_app` takes a `Settings`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nemo_protocol.draft import DraftLimits

ClockMode = Literal["manual", "auto", "realtime"]
HeartbeatStyle = Literal["empty_data", "comment", "json"]
RenderShape = Literal["wrapped", "flat", "both"]


AdkProfile = Literal["adk-2.13", "adk-1.39", "adk-1.4"]


@dataclass(frozen=True, slots=True)
class Latency:
    """Virtual seconds: uniform in [low, high] (seeded RNG, Q14), plus `per_s` for each second of media the step
    works on, at most `cap`."""

    low: float
    high: float
    per_s: float = 0.0
    cap: float = float("inf")

    def draw(self, rng: Any, media_s: float = 0.0) -> float:
        drawn = float(rng.uniform(self.low, self.high))
        return round(min(self.cap, drawn + self.per_s * max(0.0, media_s)), 3)


@dataclass(frozen=True, slots=True)
class Settings:
    """Emulator configuration; defaults are the protocol's recommended choices."""

    seed: int = 0
    """Seeds ids, latencies, silent edits and generated media: same seed + same requests = same bytes (tokens
    excepted, unless reproducible_tokens)."""
    reproducible_tokens: bool = False
    """Bearer and claim tokens from the seed too, for tests that need byte-identical replies. Off by default:
    tokens come from `secrets`; the server refuses this on a non-loopback address."""
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
    registered_credits: int = 1000
    """Credits a registered user starts with unless the control plane says otherwise."""
    token_ttl_s: float = 7 * 24 * 3600
    """Anonymous tokens live 7 days (§3.1)."""
    api_token_ttl_s: float = 90 * 24 * 3600
    """A registered user's API token (§3.12: "expires_in_days": 90)."""
    anon_window_s: float = 7 * 24 * 3600
    """Q23: window for the per-client and per-IP anonymous-token limits."""
    anon_per_client_limit: int = 1
    anon_per_ip_limit: int = 10
    anonymous_reissue: Literal["reject", "return_existing"] = "reject"
    """Q8: second anonymous-token request from one client within the window."""
    reacquire_same_user: bool = True
    """After a token expires, the same X-Client-Id gets a new token for the same user, sessions and credits included
    (the skill: "request a new one with the same X-Client-Id"); off: a new, empty anonymous user."""
    rate_limit_per_minute: int = 600
    """Requests per token per minute of virtual time before 429 (a token bucket); 0 turns the limit off. Generous
    enough that polling and ordinary turns never meet it; a burst does."""
    rate_limit_retry_after_s: int = 30
    """Retry-After sent with the rate limit's 429 (the skill: "429: wait 30 s and retry once")."""
    claim_token_ttl_s: int = 604800
    max_client_id_len: int = 64
    max_json_body_bytes: int = 1 << 20
    """413 past this many bytes of a JSON body (render bodies may be 8 times this: they carry a draft)."""
    max_json_depth: int = 32
    """400 for JSON nested deeper than this, checked before any work is done with it."""
    max_request_line_bytes: int = 8 * 1024
    """414 past this many bytes of request target (path and query); the whole head is bounded by max_header_bytes."""
    max_attribution_values: int = 1000
    """Distinct X-Skill-* header triples counted; further ones are counted as one "other" (bounded memory)."""
    max_attribution_len: int = 128
    """Characters of an X-Skill-* header kept."""
    max_header_bytes: int = 64 * 1024
    """431 past this many bytes of request line and headers together; the connection is closed."""

    heartbeat_style: HeartbeatStyle = "empty_data"
    """Q5: `empty_data` = "data:" line, `comment` = ": heartbeat", `json` = {"type":"heartbeat"}."""
    heartbeat_interval_s: float = 15.0
    sse_format: Literal["adk"] = "adk"
    """Q4: ADK camelCase events, framed as `adk_profile` says."""
    adk_profile: AdkProfile = "adk-2.13"
    """§5.5: which ADK release's framing /run_sse copies, each checked against that release's own api_server:
    `adk-2.13` (UUID ids shared by a reply's partial events, `nodeInfo`, `requestedToolConfirmations`; the pinned
    google-adk), `adk-1.39` (UUID ids, no `nodeInfo`, `app_name` required), `adk-1.4` (8-character ids, no
    `finishReason`, a streamed reply's text and tool call as two events; every request field required)."""
    agent_author: str = "nemo_agent"
    """Q21: `author` of agent events."""
    app_name: str = "nemo_agent"
    silent_edit_ratio: float = 0.3
    """Q13: share of edit turns that end with no text (the edit still applies)."""
    trailing_temp_issue_ratio: float = 0.05
    """Q13: share of turns followed by a stray "temporary issue" text."""
    latency_text: Latency = field(default_factory=lambda: Latency(5, 15))
    """Thinking before a text-only answer (protocol §4.3: 5–15 s)."""
    latency_generate: Latency = field(default_factory=lambda: Latency(100, 300))
    """One generated clip (Seedance, §4.3: 100–300 s)."""
    latency_edit: Latency = field(default_factory=lambda: Latency(10, 30))
    """An edit asked for on its own: titles, trims, volume, ratio (§4.3: 10–30 s)."""
    latency_place: Latency = field(default_factory=lambda: Latency(0.3, 0.8))
    """Putting an upload on the timeline as part of a larger turn."""
    latency_music: Latency = field(default_factory=lambda: Latency(1.5, 2.5, per_s=0.03, cap=60))
    """Generating background music, growing with the video's length: a 30-second clip's music turn is ~5 s, so
    the skill's quick edit (upload, music, download) lands in its promised 20–40 s."""
    latency_render: Latency = field(default_factory=lambda: Latency(30, 30.5, per_s=0.05, cap=90))
    """An export, growing with the output's length within the skill's promised 30–90 s (30-second clip: ~32 s,
    20 minutes: 90 s)."""
    latency_stream_chunk: Latency = field(default_factory=lambda: Latency(0.04, 0.12))
    """Between the partial text events of a reply when the request asks for `streaming`."""
    stream_chunk_words: tuple[int, int] = (2, 6)
    """Words per partial text event (drawn per chunk)."""
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

    url_fetch_timeout_s: float = 30.0
    """A URL upload's fetch gives up after this many real seconds (and at once if the client leaves)."""
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
    draft_max_tracks: int = 64
    draft_max_segments: int = 2000
    draft_max_depth: int = 24
    """Nesting of a draft's JSON, unknown keys included."""
    render_max_duration_s: float = 1200.0
    """The longest export (20 minutes)."""
    cdn_url_ttl_s: float = 86400.0
    """How long (virtual seconds) a signed /cdn/ link works: upload, generated media and render output URLs."""
    render_retention_s: float = 86400.0
    """Q19: completed/orphaned jobs are forgotten after this much virtual time."""
    render_max_height: int = 1080
    """Upper bound of the short side of rendered MP4s; the long side is at most 1920 (the skill: "up to 1080x1920")."""
    render_workers: int = 2
    """Encoder threads; users take turns on them, and a long render yields its thread between slices."""
    upload_workers: int = 2
    """Threads that probe and analyse uploads (users take turns), apart from the agent's and the encoder's."""
    agent_workers: int = 2
    """Threads for the agent's tool work (music, clip analysis), apart from uploads and renders."""
    render_user_output_s: float = 1800.0
    """Output seconds a user may have queued or rendering at once (429 beyond): one user's long drafts cannot
    hold every worker."""
    max_renders_per_anonymous_ip: int = 6
    """Renders that the anonymous users of one IP may have queued or running at once (429 beyond)."""
    max_upload_bytes_per_user: int = 2 * 1024 * 1024 * 1024
    """Upload storage a user may hold (4002 beyond)."""
    render_preset: str = "ultrafast"
    """libx264 preset of exports (speed over size, so a render keeps up with the real-time clock)."""
    render_draft: bool = False
    """Render every export at the `draft` quality (540p, at most 10 fps), whatever its `output` asks: a real,
    playable MP4 at a fraction of the CPU, for test suites that do not look at the picture. Any request may also
    ask for it with `output.quality: "draft"` (an emulator extension: the live API's qualities are low, medium
    and high)."""
    max_renders_per_user: int = 3
    """Renders a user may have queued or running at once (429 beyond)."""
    max_renders_total: int = 16
    """Renders queued or running in all (503 beyond)."""
    download_mode: Literal["bytes", "redirect"] = "bytes"
    """Q17: /download streams the MP4 or redirects to outputUrl."""

    gateway_ws_bad_token: Literal["close_4001", "http_403"] = "close_4001"
    """A.4: a bad token on /ws/chat is accepted and closed with 4001, or refused at the handshake with 403 and an
    "invalid token" reason (the real gateway's choice is unknown)."""
    gateway_project_needs_credits: bool = True
    """Creating a project (it starts an agent sandbox) with no credits left is refused with 2001, which is where the
    official CLI prints its top-up hint."""
    gateway_sandbox_paths: Literal["reject", "resolve"] = "reject"
    """A render whose draft still names `/mnt/userdata/…` paths: refused (the render service cannot read the
    sandbox; clients rewrite them to the files' cdn_url, as the CLI does), or resolved to the uploads (lenient)."""
    gateway_resume_frames: int = 1000
    """Frames of a running turn kept for a client that reconnects (its frames continue on the new socket)."""
    gateway_sandbox_startup_s: float = 1.0
    """Virtual seconds of `warming_up` before a session's first `session_ready`."""

    mcp_auth: Literal["oauth", "none", "static"] = "oauth"
    """B.1: /mcp takes OAuth 2.1 access tokens. For MCP tools that cannot sign in (inspectors, test runners): `none`
    serves it to mcp_user without any token, `static` to whoever sends mcp_static_token (printed at start). Both are
    leniencies, refused off loopback."""
    mcp_user: str | None = None
    """E-mail of the registered user that `none`/`static` serve, and that sign-in approves when the authorization
    request names nobody (`login_hint`); unset: the newest registered user."""
    mcp_static_token: str | None = None
    """The bearer of mcp_auth=static (a random one is made at start when unset)."""
    mcp_consent: Literal["auto", "page", "deny"] = "auto"
    """B.1: sign-in approves at once (headless clients), shows a real consent page, or is denied."""
    mcp_access_ttl_s: float = 3600.0
    mcp_refresh_ttl_s: float = 30 * 86400.0
    mcp_code_ttl_s: float = 600.0
    mcp_refresh_reuse_detection: bool = True
    """B.1: refresh tokens rotate on every use, and presenting a spent one is `invalid_grant` and revokes its whole
    family (OAuth 2.1 4.3.1); off: a spent refresh token is exchanged again (a leniency)."""
    mcp_error_carrier: Literal["tool_result", "http_status"] = "tool_result"
    """B.4 (open point 4): a tool's 402/403/422 travels as a tool result with isError and a `code` (the MCP way,
    which clients show to the model), or as the HTTP status of the tools/call request."""
    mcp_enforce_scopes: bool = True
    """B.2: a tool needs its scope (unlisted and 403 insufficient_scope without it); off: every tool for any grant
    (a leniency)."""
    mcp_json_response: bool = False
    """Streamable HTTP answers a request with an SSE stream (the SDK's default) or, on, with one JSON body."""
    mcp_max_sessions: int = 1000
    """Streamable HTTP sessions open at once (503 beyond)."""
    mcp_turn_events: int = 200
    """Events a delegated turn keeps for get_nemo_agent_turn (then `truncated`)."""

    control: bool = True
    """Serve the control plane /_emulator/ (`--no-control` removes it altogether)."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names (beyond IP addresses and `localhost`) that requests may name in their Host header: a guard
    against DNS rebinding, as dev servers have (`--allowed-host`). `*` allows any."""
    control_token: str | None = None
    """When set, /_emulator/ needs `Authorization: Bearer <token>` (or `?token=` for the inspector page)."""
    request_log: bool = False
    """Log one line per request to the `nemo_emulator.requests` logger (`serve` turns it on unless --quiet)."""
    errors_kept: int = 100
    """Distinct unexpected errors kept for /_emulator/errors (repeats are counted)."""
    journal_size: int = 0
    """How many requests /_emulator/requests keeps (`--journal N`); off by default: it costs ~5% throughput. An open
    inspector page turns it on (500 kept) until the last page closes."""
    mutation: str | None = None
    """Break one protocol rule on purpose, to prove a conformance suite notices (the mutants are declared in
    emulator/harness/mutants.py); never set in normal use."""

    def draft_limits(self) -> DraftLimits:
        """What an exportable draft may hold, from the draft_* and render_max_duration_s settings."""
        return DraftLimits(
            max_tracks=self.draft_max_tracks,
            max_segments=self.draft_max_segments,
            max_duration_ms=int(self.render_max_duration_s * 1000),
            max_depth=self.draft_max_depth,
        )

    def public(self) -> dict[str, Any]:
        """The settings as JSON values (what /_emulator/settings shows): paths as strings, no infinities."""
        values = dataclasses.asdict(self)
        for value in values.values():
            if isinstance(value, dict) and value.get("cap") == float("inf"):
                value["cap"] = None
        values["state_dir"] = str(self.state_dir) if self.state_dir is not None else None
        for secret in ("control_token", "mcp_static_token"):
            if values[secret] is not None:
                values[secret] = "<set>"
        return values

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
