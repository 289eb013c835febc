"""`nemo`: the command line for humans. Keeps token and session in ~/.config/nemovideo/cli.json between runs.

nemo token                       get an anonymous token (100 free credits)
nemo session                     start a project
nemo upload FILE...              upload media (progress bar)
nemo chat "add lo-fi music"      talk to the agent (spinner while it works)
nemo state                       show the timeline
nemo credits                     show the balance
nemo export --out video.mp4      render and download (progress bar)
nemo gateway …                   the gateway (the nemovideo CLI's API) with an API key: `nemo gateway -h`
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from nemo_client import _errors as errors
from nemo_client import _gateway_cli as gateway_cli
from nemo_client._client import NemoClient
from nemo_client._config import config_dir, default_base_url
from nemo_client._stream import KeepAlive, StreamError, Text, ToolCall, ToolResult, TurnEvent
from nemo_protocol.draft import lines as track_lines

EXIT = {
    errors.TokenInvalid: 3,
    errors.SessionNotFound: 4,
    errors.OutOfCredits: 5,
    errors.ExportBlocked: 5,
    errors.UnsupportedFileType: 6,
    errors.FileTooLarge: 6,
    errors.RateLimited: 7,
    errors.TransportError: 8,
    errors.RenderFailed: 10,
    errors.RenderTimeout: 10,
}
HINTS = {
    errors.TokenInvalid: "run `nemo token` to get a new token",
    errors.SessionNotFound: "run `nemo session` to start a new project (or pass --session ID)",
    errors.OutOfCredits: "out of credits: register (anonymous) or top up at nemovideo.com/dashboard/billing; on the "
    "emulator, POST /_emulator/credits or the inspector's Overview gives more",
    errors.ExportBlocked: "export needs a registered account here; register to unlock export",
    errors.UnsupportedFileType: "accepted: mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a aac",
    errors.FileTooLarge: "compress or trim the file and try again",
    errors.RateLimited: "too many anonymous tokens from this machine; reuse your token or wait",
    errors.TransportError: "cannot reach the API: is the URL right and the server running? (NEMO_API_URL)",
}


class UsageError(Exception):
    """A mistake on the command line (exit code 2)."""


def _state_file() -> Path:
    return config_dir() / "cli.json"


def _load() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(_state_file().read_text())
        return data
    except (OSError, ValueError):
        return {}


def _save(values: dict[str, Any]) -> None:
    """Merge `values` into the saved CLI state; the file holds a bearer token, so only its owner may read it."""
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({**_load(), **values}, indent=2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(data)


class Display:
    """Spinner and progress bars on stderr (plain lines when stderr is not a terminal).

    The spinner turns on its own (a small thread redraws it ten times a second) while `working()` is active, so a
    long tool call that only sends a heartbeat every 15 s does not look frozen.
    """

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.out = stream
        self.tty = stream.isatty()
        self._spin = itertools.cycle("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        self._started = time.monotonic()
        self._last_plain = 0.0
        self._label: str | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def working(self, label: str) -> Iterator[None]:
        """Keep a spinner turning (on a terminal) until the block ends; `spin()` changes its label."""
        self._label = label
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop,), daemon=True) if self.tty else None
        if ticker is not None:
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker is not None:
                ticker.join(1)
            self._label = None
            self.clear()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(0.1):
            if self._label is not None:
                self._draw(self._label)

    def _draw(self, label: str) -> None:
        elapsed = int(time.monotonic() - self._started)
        with self._lock:
            self.out.write(f"\r{next(self._spin)} {label} ({elapsed}s)\033[K")
            self.out.flush()

    def spin(self, label: str) -> None:
        self._label = label
        elapsed = int(time.monotonic() - self._started)
        if self.tty:
            self._draw(label)
        elif time.monotonic() - self._last_plain > 120 or not self._last_plain:
            self._last_plain = time.monotonic()
            print(f"… {label} ({elapsed}s)", file=self.out, flush=True)

    def bar(self, label: str, done: float, total: float) -> None:
        frac = min(1.0, done / total) if total else 0.0
        if self.tty:
            filled = int(frac * 30)
            self.out.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {frac * 100:5.1f}%\033[K")
            self.out.flush()
        elif frac >= 1.0 or not self._last_plain or time.monotonic() - self._last_plain > 5:
            self._last_plain = time.monotonic()
            print(f"{label} {frac * 100:.0f}%", file=self.out, flush=True)

    def clear(self) -> None:
        if self.tty:
            with self._lock:
                self.out.write("\r\033[K")
                self.out.flush()

    def line(self, text: str, out: TextIO) -> None:
        """Print a line of output without tearing the spinner."""
        with self._lock:
            if self.tty:
                self.out.write("\r\033[K")
            print(text, file=out, flush=True)


def _client(args: argparse.Namespace) -> NemoClient:
    """A client for the chosen URL. A token given with --token or NEMO_TOKEN is the user's own: if the API refuses
    it, the command says so instead of quietly fetching another; the saved one is renewed when it expires."""
    saved = _load()
    url = args.url or os.environ.get("NEMO_API_URL") or saved.get("url") or default_base_url()
    given = args.token or os.environ.get("NEMO_TOKEN")
    saved_token = saved.get("token") if saved.get("url") == url else None
    client = NemoClient(url, token=given or saved_token, renew_token=not given)
    client.session_id = args.session or (saved.get("session_id") if saved.get("url") == url else None)
    return client


def cmd_token(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    data = client.anonymous_token()
    _save({"url": client.base_url, "token": data["token"], "user_id": data.get("user_id")})
    print(f"Token saved. {data.get('credits', '?')} credits, expires {data.get('expires_at', '?')}.", file=out)


def cmd_session(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    data = client.create_session(args.name, args.language)
    _save({"url": client.base_url, "token": client.token, "session_id": data["session_id"], "task_id": data["task_id"]})
    print(f"Session {data['session_id']} (project {data['task_id']}) is now current.", file=out)


def cmd_upload(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    display = Display()
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    result = client.upload(*args.files, progress=lambda done, total: display.bar("Uploading", done, total))
    display.clear()
    for f in result.get("files", []):
        size = f"{f.get('width')}x{f.get('height')}" if f.get("width") else ""
        print(f"Uploaded {f['filename']}: {f['file_type']} {f.get('duration', 0):g}s {size}".rstrip(), file=out)


def _printer(out: TextIO, display: Display) -> Callable[[TurnEvent], None]:
    def show(event: TurnEvent) -> None:
        if isinstance(event, KeepAlive):
            display.spin("NEMO is working")
        elif isinstance(event, ToolCall):
            display.line(f"  ⚙ {event.name}", out)
            display.spin(f"{event.name} running")
        elif isinstance(event, ToolResult):
            display.spin(f"{event.name} finished")
        elif isinstance(event, Text) and not event.partial:
            display.line(event.text, out)
        elif isinstance(event, StreamError):
            display.line(f"Error from the agent: {event.message}", out)

    return show


def cmd_chat(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    display = Display()
    with display.working("NEMO is thinking"):
        result = client.chat(" ".join(args.message), on_event=_printer(out, display))
    if result.disconnected:
        print("The stream dropped, but the work went on.", file=out)
    if result.changes is not None and (result.silent or result.disconnected):
        print("Changes: " + ("; ".join(result.changes) if result.changes else "none"), file=out)


def cmd_state(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    snap = client.state()
    st = snap.get("state", {})
    if args.json:
        print(json.dumps(snap, indent=2), file=out)
        return
    lines = track_lines(st.get("draft") or {})
    print(f"Timeline ({len(lines)} tracks):" if lines else "Timeline is empty.", file=out)
    for line in lines:
        print(f"  {line}", file=out)
    assets = st.get("video_infos") or []
    if assets:
        print(f"Assets: {', '.join(a.get('filename', '?') for a in assets)}", file=out)


def cmd_credits(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    b = client.balance()
    print(f"Credits: {b.get('available')} available, {b.get('frozen')} frozen, {b.get('total')} total", file=out)


def cmd_export(client: NemoClient, args: argparse.Namespace, out: TextIO) -> None:
    display = Display()
    job = client.submit_render(output={"format": "mp4", "quality": args.quality})
    render_id = job["id"]
    print(f"Rendering {render_id}…", file=out, flush=True)
    with display.working("Rendering"):
        done = client.wait_for_render(
            render_id,
            interval=args.poll_interval,
            timeout=args.timeout,
            on_progress=lambda j: display.spin(f"Rendering {float(j.get('progress') or 0):.0f}%"),
        )
    display.clear()
    path = client.download_render(render_id, args.out, progress=lambda d, t: display.bar("Downloading", d, t or 1))
    display.clear()
    size = path.stat().st_size
    print(f"Saved {path} ({size / 1e6:.1f} MB). Online copy: {done.get('outputUrl')}", file=out)


COMMANDS = {
    "token": cmd_token,
    "session": cmd_session,
    "upload": cmd_upload,
    "chat": cmd_chat,
    "state": cmd_state,
    "credits": cmd_credits,
    "export": cmd_export,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nemo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="API base URL (default: NEMO_API_URL, else the live API)")
    parser.add_argument("--token", help="bearer token (default: NEMO_TOKEN, else the saved one)")
    parser.add_argument("--session", help="session id (default: the saved current session)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("token", help="get an anonymous token (100 free credits)")
    s = sub.add_parser("session", help="start a new project/session")
    s.add_argument("--name", default="project")
    s.add_argument("--language", default=None)
    u = sub.add_parser("upload", help="upload media files")
    u.add_argument("files", nargs="+")
    c = sub.add_parser("chat", help="send a message to the agent")
    c.add_argument("message", nargs="+")
    st = sub.add_parser("state", help="show the timeline")
    st.add_argument("--json", action="store_true", help="print the raw state")
    sub.add_parser("credits", help="show the credit balance")
    e = sub.add_parser("export", help="render the current draft and download the MP4")
    e.add_argument("--out", default="nemo-export.mp4")
    e.add_argument("--quality", default="high", choices=["low", "medium", "high"])
    e.add_argument("--poll-interval", type=float, default=5.0, help="seconds between status polls")
    e.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")
    gateway_cli.add_parser(sub)
    return parser


def _hint(exc: errors.NemoError, client: NemoClient) -> str:
    if isinstance(exc, errors.TokenInvalid) and not client.renew_token:
        return "check --token / NEMO_TOKEN, or drop it and run `nemo token` for a new anonymous token"
    kind = next((cls for cls in HINTS if isinstance(exc, cls)), None)
    return HINTS[kind] if kind else ""


def _gateway(args: argparse.Namespace, out: TextIO) -> int:
    """`nemo gateway …`, with the same exit codes and hints as the mega API's commands."""
    try:
        gateway_cli.run(args, Display(), out)
        return 0
    except errors.NemoError as exc:
        kind = next((cls for cls in EXIT if isinstance(exc, cls)), None)
        message = exc.message if isinstance(exc, errors.ApiError) else str(exc)
        hint = ("pass --key or set NEMOVIDEO_API_KEY to a registered user's API token (on the emulator: "
                "`nemo-emulator user add --email you@example.com`)") if isinstance(exc, errors.TokenInvalid) else ""
        hint = hint or HINTS.get(kind, "") if kind else hint
        print(f"nemo gateway {args.gateway_command}: {message}" + (f"\n  → {hint}" if hint else ""), file=sys.stderr)
        return EXIT.get(kind, 9) if kind else 9
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        if args.command == "gateway":
            return _gateway(args, out)
        client = _client(args)
    except KeyboardInterrupt:
        return 130
    try:
        COMMANDS[args.command](client, args, out)
        return 0
    except errors.NemoError as exc:
        kind = next((cls for cls in EXIT if isinstance(exc, cls)), None)
        hint = _hint(exc, client)
        message = exc.message if isinstance(exc, errors.ApiError) else str(exc)
        if isinstance(exc, errors.TokenInvalid) and not client.renew_token:
            message = f"the token you gave was refused: {message}"
        print(f"nemo {args.command}: {message}" + (f"\n  → {hint}" if hint else ""), file=sys.stderr)
        return EXIT.get(kind, 9) if kind else 9
    except UsageError as exc:
        print(f"nemo {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
