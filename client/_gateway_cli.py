"""`nemo gateway …`: the gateway (`mega-x-api`) from the `nemo` CLI, as a registered user (an API key).

nemo gateway credits                         balance (available, frozen, granted, consumed)
nemo gateway history [--all]                 credit usage, newest first
nemo gateway projects                        list projects
nemo gateway create "PROMPT" [--out F.mp4]   a project, one agent turn, and (with --out) its render
nemo gateway chat PROJECT "MESSAGE"          talk to the agent over /ws/chat (spinner while it works)
nemo gateway upload PROJECT FILE             upload media into a project
nemo gateway export PROJECT [--out F.mp4]    render and download (progress display)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, TextIO

from nemo_client._gateway import GatewayClient
from nemo_client._gateway_core import GATEWAY_URL, ChatResult


def add_parser(sub: Any) -> None:
    g = sub.add_parser("gateway", help="the gateway (the nemovideo CLI's API), with a registered user's API key",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    g.add_argument("--gateway-url", help=f"gateway URL (default: NEMOVIDEO_BASE_URL, else {GATEWAY_URL})")
    g.add_argument("--key", help="API key nmv_usr_… (default: NEMOVIDEO_API_KEY)")
    gsub = g.add_subparsers(dest="gateway_command", required=True)
    gsub.add_parser("credits", help="the balance")
    h = gsub.add_parser("history", help="credit usage, newest first")
    h.add_argument("--all", action="store_true", help="every page")
    gsub.add_parser("projects", help="list projects")
    c = gsub.add_parser("create", help="a project and one agent turn (and its render with --out)")
    c.add_argument("prompt")
    c.add_argument("--out", help="render the result to this MP4")
    ch = gsub.add_parser("chat", help="send a message to a project's agent")
    ch.add_argument("project")
    ch.add_argument("message", nargs="+")
    u = gsub.add_parser("upload", help="upload a file into a project")
    u.add_argument("project")
    u.add_argument("file")
    e = gsub.add_parser("export", help="render a project and download the MP4")
    e.add_argument("project")
    e.add_argument("--out", default="nemo-gateway-export.mp4")


def client(args: argparse.Namespace) -> GatewayClient:
    url = args.gateway_url or os.environ.get("NEMOVIDEO_BASE_URL") or args.url or os.environ.get("NEMO_API_URL")
    return GatewayClient(url or GATEWAY_URL, token=args.key or os.environ.get("NEMOVIDEO_API_KEY"))


def _chat(gw: GatewayClient, project: str, text: str, display: Any, out: TextIO) -> ChatResult:
    def show(frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "text":
            display.clear()
            print(f"  > {frame.get('text')}", file=out, flush=True)
        elif kind in ("tool_start", "toolcall_start"):
            display.spin(f"running {frame.get('tool_name') or frame.get('tool')}")
        elif kind == "ask_question":
            display.clear()
            for q in frame.get("questions") or []:
                labels = ", ".join(str(o.get("label")) for o in q.get("options") or [])
                print(f"  ? {q.get('prompt')} [{labels}] (answering with the first)", file=out, flush=True)

    with display.working("The agent is working"):
        result = gw.chat(project, text, on_frame=show)
    display.clear()
    if not result.completed:
        raise SystemExit(f"nemo gateway: the agent did not finish: {result.error}")
    return result


def _export(gw: GatewayClient, project: str, dest: str, display: Any, out: TextIO) -> None:
    render_id = gw.submit_render(project)
    with display.working("Rendering"):
        job = gw.wait_for_render(render_id, on_progress=lambda j: display.spin(
            f"Rendering {float(j.get('progress') or 0):.0f}%"))  # fmt: skip
    display.clear()
    path = gw.download(job["outputUrl"], dest, progress=lambda d, t: display.bar("Downloading", d, t or 1))
    display.clear()
    print(f"Saved {path} ({Path(path).stat().st_size / 1e6:.1f} MB)", file=out)


def run(args: argparse.Namespace, display: Any, out: TextIO) -> None:
    with client(args) as gw:
        command = args.gateway_command
        if command == "credits":
            b = gw.balance()
            print(f"Available: {b['available']} | Frozen: {b['frozen']} | Granted: {b['total_granted']} | "
                  f"Consumed: {b['total_consumed']}", file=out)  # fmt: skip
        elif command == "history":
            for item in gw.usage(all_pages=args.all):
                what = (item.get("conversation") or {}).get("user_message") or (item.get("grant") or {}).get("source")
                print(f"{item['created_at']}  {item['kind']:<12} {item['amount_delta']:>+6}  {what or ''}", file=out)
        elif command == "projects":
            for p in gw.projects():
                print(f"{p['project_id']}  {p['name']}  {p['created_at']}", file=out)
        elif command == "create":
            project = gw.create_project()["project_id"]
            print(f"Project {project}", file=out, flush=True)
            _chat(gw, project, args.prompt, display, out)
            if args.out:
                _export(gw, project, args.out, display, out)
        elif command == "chat":
            _chat(gw, args.project, " ".join(args.message), display, out)
        elif command == "upload":
            up = gw.upload(args.project, args.file, progress=lambda d, t: display.bar("Uploading", d, t or 1))
            display.clear()
            print(f"Uploaded {up['filename']} ({up['file_id']})", file=out)
        elif command == "export":
            _export(gw, args.project, args.out, display, out)
