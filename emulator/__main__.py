"""`nemo-emulator serve`: run the emulator on a port. The only place that reads flags and the environment."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from nemo_emulator.settings import Latency, Settings

FAULT_KINDS = ["error", "latency", "drop_stream", "stall_heartbeats", "fail_render", "fail_tool", "expire_token"]


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    """JSON values as Settings fields want them: latencies as Latency, pairs as tuples."""
    for key, value in list(values.items()):
        if key.startswith("latency_") and isinstance(value, list):
            values[key] = Latency(*value)
        elif key.startswith("latency_") and isinstance(value, dict):
            values[key] = Latency(**value)
        elif key in ("stream_chunk_words", "allowed_hosts") and isinstance(value, list):
            values[key] = tuple(value)
    return values


def _settings_from_file(path: str) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(Path(path).read_text())
    return _typed(values)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nemo-emulator", description="Offline emulator of the NemoVideo agent API.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the emulator (default command)")
    serve.add_argument("--host", default=os.environ.get("NEMO_EMULATOR_HOST", "127.0.0.1"))
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("NEMO_EMULATOR_PORT", "8765")),
        help="TCP port; 0 picks a free one (the URL is printed)",
    )
    serve.add_argument("--seed", type=int, default=0, help="seed for ids, latencies and generated media")
    serve.add_argument("--state-dir", type=Path, default=None, help="where uploads and renders are kept")
    serve.add_argument(
        "--clock",
        choices=["realtime", "manual", "auto"],
        default="realtime",
        help="realtime: virtual time follows the wall clock; manual: only /_emulator/clock moves it; "
        "auto: it jumps to the next deadline whenever something waits (turns and renders finish at once)",
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="virtual seconds per real second in realtime mode (60 = a 3-minute generation in 3 s)",
    )
    serve.add_argument("--settings", metavar="FILE", help="JSON object of Settings fields to override")
    serve.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=JSON",
        help="override one Settings field, e.g. --set heartbeat_style='\"comment\"'",
    )
    serve.add_argument(
        "--journal",
        type=int,
        default=0,
        metavar="N",
        help="keep the last N requests at /_emulator/requests (off by default, as it costs ~5%% throughput; an "
        "open inspector page keeps 500 while it is open)",
    )
    serve.add_argument("--quiet", action="store_true", help="do not print a line per request")
    serve.add_argument(
        "--control-token",
        default=os.environ.get("NEMO_EMULATOR_CONTROL_TOKEN"),
        help="require this bearer token on the control plane /_emulator/ (default: open on loopback)",
    )
    serve.add_argument("--no-control", action="store_true", help="remove the control plane /_emulator/ altogether")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name clients may use to reach this server (IP addresses and localhost always work; other names "
        "are refused, as a guard against DNS rebinding); repeat for several, `.example.com` for a domain's names",
    )
    serve.add_argument(
        "--reproducible-tokens",
        action="store_true",
        help="draw bearer tokens from the seed too (tests needing byte-identical replies; loopback only)",
    )
    serve.add_argument("--log-level", default="warning", help="uvicorn's own log level")
    rec = sub.add_parser("record", help="proxy to a real NEMO host and write every exchange to a cassette")
    rec.add_argument("--upstream", required=True, help="e.g. https://mega-api-prod.nemovideo.ai")
    rec.add_argument("--cassette", type=Path, required=True, help="JSON Lines file to append to")
    rec.add_argument("--host", default="127.0.0.1")
    rec.add_argument("--port", type=int, default=8766)
    rep = sub.add_parser("replay", help="serve a recorded cassette")
    rep.add_argument("cassette", type=Path)
    rep.add_argument("--host", default="127.0.0.1")
    rep.add_argument("--port", type=int, default=8765)
    rep.add_argument("--speed", type=float, default=0.0, help="1 replays streams with their recorded timing")
    fault = sub.add_parser("fault", help="inject a fault into a running emulator (see /_emulator/faults)")
    fault.add_argument("--url", default=os.environ.get("NEMO_API_URL", "http://127.0.0.1:8765"))
    fault.add_argument(
        "--kind",
        default="error",
        choices=[*FAULT_KINDS, "list", "clear"],
    )
    fault.add_argument("--code", type=int, help="protocol code for --kind error (1001, 1002, 2001, 4001, 429, …)")
    fault.add_argument("--route", help="text the request path must contain")
    fault.add_argument("--method")
    fault.add_argument("--session-id")
    fault.add_argument("--client-id")
    fault.add_argument("--times", type=int, default=1)
    fault.add_argument("--latency", type=float, default=0.0, help="seconds, for --kind latency")
    fault.add_argument("--after-events", type=int, default=0, help="for --kind drop_stream")
    user = sub.add_parser("user", help="registered users of a running emulator (see /_emulator/users)",
                          description="Registered users: their API token (nmv_usr_…) works on the mega API and the "
                          "gateway (the nemovideo CLI's NEMOVIDEO_API_KEY), and they sign in to the MCP server. "
                          "Example: nemo-emulator user add --email me@team.test --plan pro")  # fmt: skip
    user.add_argument("action", choices=["add", "list"], help="add: make one and print its token; list: show all")
    user.add_argument("--url", default=os.environ.get("NEMO_API_URL", "http://127.0.0.1:8765"),
                      help="the running emulator (default: NEMO_API_URL, else http://127.0.0.1:8765)")
    user.add_argument("--email", help="for add: the user's e-mail (required)")
    user.add_argument("--plan", default="starter", choices=["free", "starter", "pro", "creator"],
                      help="for add: the plan (free cannot render on the MCP server; creator adds platform tools)")
    user.add_argument("--credits", type=int, default=None, help="for add: credits to start with (default 1000)")
    user.add_argument("--control-token", default=os.environ.get("NEMO_EMULATOR_CONTROL_TOKEN"),
                      help="the emulator's --control-token, if it has one (default: NEMO_EMULATOR_CONTROL_TOKEN)")
    return parser


def user_command(args: argparse.Namespace) -> None:
    """`nemo-emulator user add --email a@b.c --plan pro`: prints the user and the API token to give clients."""
    import httpx

    url = args.url.rstrip("/") + "/_emulator/users"
    headers = {"Authorization": f"Bearer {args.control_token}"} if args.control_token else {}
    try:
        if args.action == "list":
            r = httpx.get(url, headers=headers, timeout=10)
        else:
            if not args.email:
                raise SystemExit("nemo-emulator user add: --email is required")
            body = {"email": args.email, "plan": args.plan, **({"credits": args.credits} if args.credits is not None
                                                               else {})}  # fmt: skip
            r = httpx.post(url, json=body, headers=headers, timeout=10)
    except httpx.HTTPError as exc:
        raise SystemExit(f"cannot reach {args.url}: {exc}") from None
    print(json.dumps(r.json(), indent=2))
    if r.status_code >= 400:
        raise SystemExit(1)
    if args.action == "add":
        print(f"\nexport NEMOVIDEO_API_KEY={r.json()['token']}   # for the nemovideo CLI", file=sys.stderr)


def fault_command(args: argparse.Namespace) -> None:
    import httpx

    url = args.url.rstrip("/") + "/_emulator/faults"
    try:
        if args.kind in ("list", "clear"):
            r = httpx.request("GET" if args.kind == "list" else "DELETE", url, timeout=10)
        else:
            spec = {
                "kind": args.kind,
                "times": args.times,
                "code": args.code,
                "route": args.route,
                "method": args.method,
                "session_id": args.session_id,
                "client_id": args.client_id,
                "latency_s": args.latency,
                "after_events": args.after_events,
            }
            r = httpx.post(url, json={k: v for k, v in spec.items() if v is not None}, timeout=10)
    except httpx.HTTPError as exc:
        raise SystemExit(f"cannot reach {args.url}: {exc}") from None
    print(json.dumps(r.json(), indent=2))
    if r.status_code >= 400:
        raise SystemExit(1)


def _bound_name(host: str) -> tuple[str, ...]:
    """The name the server is bound to, if it is a name (clients reach it by that name)."""
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return (host.lower(),) if host else ()
    return ()


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = _settings_from_file(args.settings) if args.settings else {}
    for item in args.set:
        key, _, raw = item.partition("=")
        try:
            overrides[key] = json.loads(raw)
        except ValueError:
            overrides[key] = raw
    if args.time_scale <= 0:
        raise SystemExit("--time-scale must be positive")
    base = Settings(
        seed=args.seed,
        state_dir=args.state_dir,
        clock_mode=args.clock,
        time_scale=args.time_scale,
        journal_size=args.journal,
        request_log=not args.quiet,
        control=not args.no_control,
        control_token=args.control_token or None,
        reproducible_tokens=args.reproducible_tokens,
        allowed_hosts=tuple(args.allowed_host) + _bound_name(args.host),
    )
    try:
        return base.replace(**_typed(overrides))
    except TypeError as exc:
        raise SystemExit(f"unknown setting: {exc}") from None


def serve(args: argparse.Namespace) -> None:
    from nemo_emulator import server
    from nemo_emulator.app import create_app
    from nemo_emulator.urls import is_loopback

    settings = settings_from_args(args)
    if settings.reproducible_tokens and not is_loopback(args.host):
        raise SystemExit("nemo-emulator: --reproducible-tokens makes tokens predictable; it is refused off loopback")
    if settings.mcp_auth != "oauth" and not is_loopback(args.host):
        raise SystemExit(f"nemo-emulator: mcp_auth={settings.mcp_auth} serves /mcp without sign-in; it is refused off "
                         "loopback")  # fmt: skip
    if settings.mcp_auth == "static" and not settings.mcp_static_token:
        import secrets

        settings = settings.replace(mcp_static_token=f"mcp_static_{secrets.token_urlsafe(32)}")
    try:
        app = create_app(settings)
    except (RuntimeError, OSError, ValueError) as exc:
        raise SystemExit(f"nemo-emulator: {exc}") from None
    try:
        sock = server.listen(args.host, args.port)
    except OSError as exc:
        app.state.store.close()
        raise SystemExit(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"nemo-emulator listening on http://{shown}:{port} (clock {settings.clock_mode}, seed {settings.seed})")
    if settings.control:
        print(f"inspector: http://{shown}:{port}/_emulator/ui", flush=True)
    if settings.mcp_auth == "static":
        print(f"MCP: http://{shown}:{port}/mcp takes the static bearer {settings.mcp_static_token}", flush=True)
    elif settings.mcp_auth == "none":
        print(f"MCP: http://{shown}:{port}/mcp serves {settings.mcp_user or 'the newest registered user'} without "
              "sign-in", flush=True)  # fmt: skip
    else:
        print("control plane /_emulator/ is off", flush=True)
    if (warning := server.exposure(args.host, settings)) is not None:
        print(warning, file=sys.stderr, flush=True)
    if settings.request_log:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        log = logging.getLogger("nemo_emulator.requests")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    server.run(app, sock, settings, app.state.store.close, log_level=args.log_level)


def main(argv: list[str] | None = None) -> None:
    try:
        _main(argv)
    except KeyboardInterrupt:  # Ctrl-C before the server took over its signals: leave quietly
        raise SystemExit(130) from None


def _main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        serve(args)
    elif args.command == "fault":
        fault_command(args)
    elif args.command == "user":
        user_command(args)
    elif args.command in ("record", "replay"):
        import uvicorn

        from nemo_emulator.harness import recording

        if args.command == "record":
            app = recording.record_app(args.upstream, args.cassette)
            print(f"recording {args.upstream} to {args.cassette}; point clients at http://{args.host}:{args.port}")
        else:
            if not args.cassette.exists():
                raise SystemExit(f"no such cassette: {args.cassette}")
            app = recording.replay_app(args.cassette, speed=args.speed)
            print(f"replaying {args.cassette} on http://{args.host}:{args.port}")
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    else:
        build_parser().print_help()


if __name__ == "__main__":
    main()
