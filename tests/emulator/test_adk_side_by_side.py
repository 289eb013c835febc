"""/run_sse side by side with Google ADK's own api_server.

The installed (pinned) google-adk runs a scripted agent (fixtures/adk_reference.py: a sentence and a tool call, the
tool's response, a final sentence; or text alone) and the emulator plays the same turns with the matching
adk_profile. Each event kind must carry exactly the same set of JSON key paths, the same framing values and id
formats, and malformed bodies the same 422 errors. Recordings of other ADK releases (fixtures/exchanges/) are held
to their own profiles the same way, so a release that changes the framing fails here first.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_emulator import Settings, Store, create_app

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("adk_reference", ROOT / "fixtures" / "adk_reference.py")
assert _spec is not None and _spec.loader is not None
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

PROFILE_OF = {"2": "adk-2.13", "1": "adk-1.39"}
"""The profile an ADK release line is held to; 1.4 and older have a profile of their own."""
OPAQUE = {"args", "response", "stateDelta", "text", "timestamp", "id", "invocationId"}
"""Keys whose values are the tool's or the turn's own (their presence counts, not their contents)."""
MEDIA = ROOT / "conformance" / "media" / "sample.mp4"


def profile_for(version: str) -> str:
    major, minor = (int(x) for x in version.split(".")[:2])
    return "adk-1.4" if (major, minor) < (1, 5) else PROFILE_OF[str(major)]


def kind(event: dict[str, Any]) -> str:
    parts = (event.get("content") or {}).get("parts") or []
    name = next((k for k in ("functionCall", "functionResponse", "text") if any(k in p for p in parts)), "other")
    return {"functionCall": "call", "functionResponse": "response"}.get(name, name) + (
        "-partial" if event.get("partial") else ""
    )


def paths(value: Any, prefix: str = "") -> set[str]:
    out = {prefix} if prefix else set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out |= {path} if key in OPAQUE else paths(child, path)
    elif isinstance(value, list):
        for child in value:
            out |= paths(child, f"{prefix}[]")
    return out


def values(value: Any, prefix: str = "") -> set[str]:
    """Every framing value (not the turn's own text, ids or times), as path=value."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            if key not in OPAQUE:
                out |= values(child, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for child in value:
            out |= values(child, f"{prefix}[]")
    else:
        out.add(f"{prefix}={json.dumps(value)}")
    return out


def shape(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Per event kind: key paths and framing values; and the sequence of kinds."""
    by_kind: dict[str, dict[str, set[str]]] = {}
    for event in events:
        entry = by_kind.setdefault(kind(event), {"paths": set(), "values": set()})
        entry["paths"] |= paths(event)
        entry["values"] |= values(event)
    sequence = [kind(e) for e in events]
    runs = [k for i, k in enumerate(sequence) if i == 0 or sequence[i - 1] != k]  # chunk counts are the model's own
    return {"sequence": runs, "kinds": by_kind}


def id_style(events: list[dict[str, Any]]) -> tuple[str, bool]:
    """(uuid or short ids, whether each reply's partial events share the aggregate's id)."""
    ids = [e["id"] for e in events]
    uuid = all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", i) for i in ids)
    short = all(re.fullmatch(r"[A-Za-z0-9]{8}", i) for i in ids)
    shared = any(a["id"] == b["id"] for a, b in itertools.pairwise(events) if a.get("partial"))
    return ("uuid" if uuid else "short" if short else "other"), shared


async def emulate(profile: str) -> dict[str, Any]:
    """The reference's turns and bad bodies, played against the emulator with `profile`."""
    settings = Settings(clock_mode="auto", adk_profile=profile, silent_edit_ratio=0, trailing_temp_issue_ratio=0)
    store = Store(settings)
    transport = httpx.ASGITransport(app=create_app(store=store))
    out: dict[str, Any] = {"turns": {}, "bad_bodies": {}}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator.localhost", timeout=60) as http:
            token = (await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "side"})).json()["data"]
            auth = {"Authorization": f"Bearer {token['token']}"}

            async def session() -> str:
                r = await http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
                sid: str = r.json()["data"]["session_id"]
                files = {"files": ("clip.mp4", MEDIA.read_bytes(), "video/mp4")}
                await http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth)
                await turn(sid, "use the first video", False)
                return sid

            async def turn(sid: str, text: str, streaming: bool) -> httpx.Response:
                body = {"app_name": "nemo_agent", "user_id": "me", "session_id": sid,
                        "new_message": {"role": "user", "parts": [{"text": text}]}, "streaming": streaming}  # fmt: skip
                return await http.post("/run_sse", json=body, headers=auth)

            for name, (text, streaming) in reference.TURNS.items():
                r = await turn(await session(), text, streaming)
                out["turns"][name] = {"content_type": r.headers["content-type"], "events": reference.frames(r.text)}
            sid = await session()
            for name, raw, ctype in reference.BAD_BODIES:
                body = raw.replace(b'"S"', f'"{sid}"'.encode())
                r = await http.post("/run_sse", content=body, headers={**auth, "content-type": ctype})
                out["bad_bodies"][name] = {"status": r.status_code, "body": json.loads(r.text.replace(sid, "S"))}
    finally:
        store.close()
    return out


def compare(adk: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    problems = []
    for name, turn in adk["turns"].items():
        mine = ours["turns"][name]
        if mine["content_type"] != turn["content_type"]:
            problems.append(f"{name}: content type {mine['content_type']!r} != {turn['content_type']!r}")
        a, b = shape(turn["events"]), shape(mine["events"])
        if a["sequence"] != b["sequence"]:
            problems.append(f"{name}: event kinds {b['sequence']} != ADK's {a['sequence']}")
        for k in a["kinds"].keys() | b["kinds"].keys():
            ka, kb = a["kinds"].get(k, {}), b["kinds"].get(k, {})
            for aspect in ("paths", "values"):
                extra, missing = (
                    kb.get(aspect, set()) - ka.get(aspect, set()),
                    ka.get(aspect, set()) - kb.get(aspect, set()),
                )
                if extra or missing:
                    problems.append(f"{name}/{k} {aspect}: extra {sorted(extra)}, missing {sorted(missing)}")
        if id_style(turn["events"]) != id_style(mine["events"]):
            problems.append(f"{name}: ids {id_style(mine['events'])} != ADK's {id_style(turn['events'])}")
    for name, bad in adk["bad_bodies"].items():
        if ours["bad_bodies"][name] != bad:
            problems.append(f"bad body {name}: {ours['bad_bodies'][name]} != ADK's {bad}")
    return problems


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning", "ignore::FutureWarning")
def test_the_installed_adk_frames_run_sse_like_the_pinned_profile() -> None:
    from google.adk import version

    adk = asyncio.run(reference.record())
    assert adk["adk_version"] == version.__version__
    ours = asyncio.run(emulate(profile_for(version.__version__)))
    assert compare(adk, ours) == []


@pytest.mark.parametrize(
    "recording", sorted((ROOT / "fixtures" / "exchanges").glob("adk-*.json")), ids=lambda p: p.stem
)
def test_recorded_adk_releases_match_their_profiles(recording: Path) -> None:
    adk = json.loads(recording.read_text())
    ours = asyncio.run(emulate(profile_for(adk["adk_version"])))
    assert compare(adk, ours) == []
