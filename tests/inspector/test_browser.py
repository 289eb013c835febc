"""The inspector in a real browser (Debian's chromium, driven by Playwright): a workflow run by the reference client
shows up live, without a reload, and the page's own controls act on the emulator."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_client import NemoClient, OutOfCredits
from tests.conftest import TEST_SETTINGS, Server, start_server
from tests.helpers import until

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api", reason="the dev extras install playwright")
expect = playwright_api.expect

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "inspector"
SAMPLE = Path(__file__).resolve().parents[2] / "conformance" / "media" / "sample30.mp4"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000
"""Upper bound for the page to catch up with something that already happened (it normally takes milliseconds)."""
PROBLEMS: list[str] = []
"""What the page logged as errors or warnings, or threw."""


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def emulator() -> Iterator[Server]:
    server = start_server(TEST_SETTINGS.replace(clock_mode="auto"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, emulator: Server) -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    PROBLEMS.clear()
    opened.on("console", lambda m: m.type in ("error", "warning") and PROBLEMS.append(m.text))
    opened.on("pageerror", lambda exc: PROBLEMS.append(str(exc)))
    yield opened
    context.close()


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_inspector(page: Any, emulator: Server, view: str = "overview") -> None:
    page.goto(f"{emulator.url}/_emulator/ui#{view}")
    expect(page.locator("#live")).to_have_text("live", timeout=WAIT_MS)


def test_a_workflow_shows_up_live_and_the_page_acts_on_the_emulator(page: Any, emulator: Server) -> None:
    emulator.store.reset()
    assert not emulator.store.hooks.journal.enabled
    open_inspector(page, emulator, "session")
    assert emulator.store.hooks.journal.enabled, "an open inspector turns the request journal on"

    client = NemoClient(emulator.url)
    page.on("close", lambda _: client.close())
    client.anonymous_token()
    session = client.create_session("trip")
    expect(page.locator("#session-pick")).to_have_value(session["session_id"], timeout=WAIT_MS)
    client.upload(SAMPLE)
    events = list(client.stream("make a video with upbeat music and a title 'Summer Trip'"))
    assert events

    # the draft as a timeline: video, BGM and title lanes, with the title's text and the music's volume
    lanes = page.locator("#timeline .lane")
    expect(lanes).to_have_count(3, timeout=WAIT_MS)
    assert [lanes.nth(i).get_attribute("data-tt") for i in range(3)] == ["0", "1", "7"]
    expect(page.locator("#timeline .lane[data-tt='7'] .segment")).to_contain_text("Summer Trip")
    expect(page.locator("#timeline .lane[data-tt='1'] .segment .vol")).to_have_count(1)
    assert "volume 35%" in (page.locator("#timeline .lane[data-tt='1'] .segment").get_attribute("title") or "")

    # the transcript: the user's words, tool calls as collapsible rows, heartbeats as ticks on the turn's axis
    expect(page.locator("#transcript .bubble.user")).to_contain_text("Summer Trip")
    tools = page.locator("#transcript details.tool")
    expect(tools.first).to_be_visible(timeout=WAIT_MS)
    transcript = emulator.store.sessions.by_id[session["session_id"]].transcript_view()
    adk_events = [e["event"] for e in transcript if e["kind"] == "event"]
    calls = [p["functionCall"]["name"] for e in adk_events for p in e["content"]["parts"] if "functionCall" in p]
    assert len(calls) >= 3, calls  # the clip, its music, its title
    expect(tools).to_have_count(len(calls))
    beats = sum(e["kind"] == "heartbeat" for e in transcript)
    assert beats >= 1, "a generation turn waits long enough for heartbeats"
    expect(page.locator("#transcript .axis .mark.heartbeat")).to_have_count(beats)
    tools.first.locator("summary").click()
    expect(tools.first.locator("pre").first).to_be_visible()

    # uploads with a real thumbnail and the probe's facts
    thumb = page.locator("#uploads img")
    expect(thumb).to_have_count(1)
    page.wait_for_function("() => document.querySelector('#uploads img').naturalWidth > 0", timeout=WAIT_MS)
    expect(page.locator("#uploads figcaption")).to_contain_text("160×90")
    shoot(page, "session")

    # Render: progress to 100%, then a <video> that loads the MP4 with the draft's duration
    page.get_by_role("button", name="Render", exact=True).click()
    status = page.locator("#renders .render .status").first
    expect(status).to_contain_text("completed · 100%", timeout=60_000)
    has_metadata = "() => { const v = document.querySelector('#renders video'); return v && v.readyState >= 1 }"
    page.wait_for_function(has_metadata, timeout=WAIT_MS)
    duration = page.evaluate("() => document.querySelector('#renders video').duration")
    draft = client.state()["state"]["draft"]
    assert duration == pytest.approx(draft["d"] / 1000, abs=0.15)
    shoot(page, "session-rendered")

    # Requests: filter to the stream, open it, see its frames with their time offsets
    page.get_by_role("tab", name="Requests").click()
    page.get_by_label("Route contains").fill("/run_sse")
    rows = page.locator("#request-rows button.open")
    expect(rows).to_have_count(1)
    rows.first.click()
    frames = page.locator("#request-rows .frames li")
    sent = [
        e
        for e in emulator.store.sessions.by_id[session["session_id"]].transcript_view()
        if e["kind"] in ("event", "heartbeat")
    ]
    expect(frames).to_have_count(len(sent))
    expect(frames.first).to_contain_text("+")
    expect(frames.nth(1)).to_contain_text("data: ")
    assert "nmv_usr_" not in page.locator("#request-rows").inner_text().replace("nmv_usr_<redacted>", "")
    shoot(page, "requests")

    # Faults: one added through the form makes the client's next matching request fail with that code
    page.get_by_role("tab", name="Faults").click()
    page.get_by_label("Kind").select_option("error")
    page.get_by_label("Path contains").fill("/api/credits/balance")
    page.get_by_label("Answer with code").select_option("2001")
    page.get_by_role("button", name="Add fault").click()
    expect(page.locator("#fault-rows tr[data-fault]")).to_have_count(1)
    shoot(page, "faults")
    with pytest.raises(OutOfCredits):
        client.balance()
    expect(page.locator("#fault-rows tr[data-fault]")).to_have_count(0, timeout=WAIT_MS)  # used up, and the page knows
    client.balance()

    # a second fault, removed with its button, never fires
    page.get_by_label("Kind").select_option("error")
    page.get_by_label("Path contains").fill("/api/credits/balance")
    page.get_by_role("button", name="Add fault").click()
    page.locator("#fault-rows button.danger").click()
    expect(page.locator("#fault-rows tr[data-fault]")).to_have_count(0)
    assert not emulator.store.hooks.faults.rules
    client.balance()

    # Overview: the user's ledger has the generation's charge; the clock buttons move the virtual clock
    page.get_by_role("tab", name="Overview").click()
    expect(page.locator("#users > tr")).to_have_count(1)
    user = emulator.store.accounts.users[session["user_id"]]
    expect(page.locator("#users > tr > td.num").nth(3)).to_have_text(str(user.spent))
    page.locator("#users > tr summary").click()
    expect(page.locator("#users .ledger")).to_contain_text("charge")
    before = emulator.store.clock.now()
    page.get_by_role("button", name="+10 min").click()
    expect(page.locator("#clock-now")).to_have_text(emulator.store.clock.iso(before + 600))
    assert emulator.store.clock.now() >= before + 600
    shoot(page, "overview")
    page.get_by_role("tab", name="Errors").click()
    expect(page.locator("#error-list")).to_contain_text("none")
    shoot(page, "errors")

    assert PROBLEMS == []
    page.close()
    until(lambda: not emulator.store.hooks.journal.enabled, "the journal is off again once no inspector is open")
    assert emulator.store.unexpected_errors == []


def test_the_page_fits_a_phone_and_follows_the_dark_scheme(browser: Any, emulator: Server) -> None:
    emulator.store.reset()
    with NemoClient(emulator.url) as client:
        client.anonymous_token()
        client.create_session("a holiday video for the whole family, second cut")
        client.upload(SAMPLE)
        list(client.stream("add some calm music"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    open_inspector(page, emulator, "session")
    expect(page.locator("#timeline .lane")).to_have_count(2, timeout=WAIT_MS)
    for view in ("session", "overview", "requests", "faults", "errors"):
        page.get_by_role("tab", name=view.capitalize()).click()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the {view} view scrolls sideways on a phone"
        assert offscreen(page, f"#{view}") == [], f"parts of the {view} view are off-screen on a phone"
        shoot(page, f"{view}-phone")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 27)", "the page follows the system's dark preference"
    # the keyboard alone moves between views
    page.get_by_role("tab", name="Faults").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Errors")).to_be_focused()
    expect(page.locator("#errors")).to_be_visible()
    assert problems == []
    context.close()


def offscreen(page: Any, root: str) -> list[str]:
    """The visible elements under `root` whose right edge lies past the viewport (scrolling boxes hide them)."""
    return page.evaluate(
        """(root) => [...document.querySelectorAll(root + ' *')].filter((el) => {
             const box = el.getBoundingClientRect();
             return el.checkVisibility() && box.width > 0 && box.height > 0 && box.right > window.innerWidth + 1;
           }).slice(0, 5)
             .map((el) => el.tagName + (el.id ? '#' + el.id : '') + ' ' + (el.textContent || '').slice(0, 30))""",
        root,
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_faults_form_shows_only_the_chosen_kinds_fields(browser: Any, emulator: Server, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    open_inspector(page, emulator, "faults")
    fields = {"error": "code", "latency": "latency_s", "drop_stream": "after_events"}
    for kind in ("latency", "error", "drop_stream", "stall_heartbeats"):
        page.select_option("#fault-kind", kind)
        for owner, name in fields.items():
            field = page.locator(f'#fault-form [name="{name}"]')
            if owner == kind:
                expect(field).to_be_visible()
            else:
                expect(field).to_be_hidden()
    assert offscreen(page, "#faults") == []
    context.close()


def test_long_requests_keep_their_status_and_code_on_screen(browser: Any, emulator: Server, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    open_inspector(page, emulator, "requests")
    long_name = tmp_path / ("a_very_long_file_name_for_a_holiday_clip_" * 3 + ".mp4")
    long_name.write_bytes(SAMPLE.read_bytes())
    with NemoClient(emulator.url, client_id="long-requests", config_dir=tmp_path) as client:
        client.anonymous_token()
        sid = client.create_session("long")["session_id"]
        url = client.upload(long_name)["files"][0]["cdn_url"]
        for _ in range(3):
            client.state(sid)
            httpx.get(url)
    expect(page.locator("#request-rows tr")).not_to_have_count(0, timeout=WAIT_MS)
    for column in ("Status", "Code"):
        box = page.locator("table.requests th", has_text=column).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, f"the {column} column is off-screen"
    assert offscreen(page, "#requests") == []
    context.close()


def test_a_token_protected_control_plane_protects_the_page(browser: Any, server_factory: Any) -> None:
    server = server_factory(clock_mode="auto", control_token="s3cret-for-the-test")
    context = browser.new_context()
    page = context.new_page()
    refused = page.goto(f"{server.url}/_emulator/ui")
    assert refused is not None and refused.status == 401
    assert "control-token" in page.content()
    page.goto(f"{server.url}/_emulator/ui?token=s3cret-for-the-test#overview")
    expect(page.locator("#live")).to_have_text("live", timeout=WAIT_MS)
    expect(page.locator("#settings")).to_contain_text("<set>")
    assert "s3cret" not in page.content()
    context.close()


def test_an_uploaded_page_never_runs_on_the_emulators_origin(page: Any, emulator: Server, tmp_path: Path) -> None:
    """A PNG with a script appended, named evil.html: opened in the browser it is a download, never a page, so
    its script cannot drive the control plane."""
    png = (Path(__file__).resolve().parents[2] / "conformance" / "media" / "sample.png").read_bytes()
    script = b"<script>fetch('/_emulator/faults',{method:'POST',body:'{\"kind\":\"error\",\"code\":1002}'})</script>"
    with NemoClient(emulator.url, client_id="evil-upload", config_dir=tmp_path) as nemo:
        nemo.anonymous_token()
        nemo.create_session()
        evil = tmp_path / "evil.html"
        evil.write_bytes(png + script)
        url = nemo.upload(evil)["files"][0]["cdn_url"]
    with page.expect_download() as download, contextlib.suppress(playwright_api.Error):
        page.goto(url)  # the navigation is aborted in favour of the download
    assert download.value.suggested_filename == "evil.html"
    page.goto(f"{emulator.url}/openapi.json")  # same origin as the upload: whatever ran there could call this
    answer = page.evaluate("fetch('/_emulator/faults').then((r) => r.json())")
    assert answer == {"faults": []}
    frame_page = page.context.new_page()
    frame_page.set_content(f'<iframe src="{url}"></iframe>')  # framed, it is still not a page of the emulator
    frame_page.wait_for_load_state("load")
    assert emulator.store.hooks.faults.rules == []
    frame_page.close()


def test_mcp_sign_ins_and_each_sessions_calls_are_shown(page: Any, emulator: Server) -> None:
    from nemo_client import McpConnection

    created = httpx.post(f"{emulator.url}/_emulator/users",
                         json={"email": "inspect-mcp@x.test", "plan": "starter", "credits": 50})  # fmt: skip
    user = created.json()
    open_inspector(page, emulator)
    with McpConnection(emulator.url, login_hint=user["email"]) as mcp:
        mcp.call("get_credits")
        mcp.call("get_video_project", project_id="no-such-project")
    grants = page.locator("#oauth-grants")
    expect(grants).to_contain_text("nemo-client", timeout=WAIT_MS)
    expect(grants).to_contain_text(user["user_id"])
    expect(grants).to_contain_text("active")
    sessions = page.locator("#mcp-sessions")
    expect(sessions).to_contain_text(user["user_id"], timeout=WAIT_MS)
    sessions.locator("summary").first.click()
    expect(sessions).to_contain_text("get_credits")
    expect(sessions).to_contain_text("get_video_project")
    expect(sessions).to_contain_text("error 404")
    shoot(page, "mcp")
    assert PROBLEMS == []
