"""Check a recorded cassette offline: every exchange's reply against the protocol's envelopes, schemas and SSE framing.

python -m nemo_conformance.cassette fixtures/exchanges/session.jsonl
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from nemo_conformance.checks import ConformanceFailure, check_response
from nemo_conformance.streams import framing_is_sse


def _response(exchange: dict[str, Any]) -> httpx.Response:
    req = exchange["request"]
    rec = exchange["response"]
    body = rec.get("body", {})
    content = body["text"].encode() if "text" in body else base64.b64decode(body.get("base64", ""))
    request = httpx.Request(req["method"], f"http://cassette{req['path']}")
    headers = {k: v for k, v in rec["headers"].items() if k.lower() not in ("content-encoding", "content-length")}
    return httpx.Response(rec["status"], headers=headers, content=content, request=request)


def validate(path: Path) -> list[tuple[int, str, str]]:
    """(line number, request, failure) for every exchange that breaks the protocol."""
    failures = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        exchange = json.loads(line)
        label = f"{exchange['request']['method']} {exchange['request']['path']}"
        if "response" not in exchange:
            failures.append((number, label, exchange.get("error", "no response recorded")))
            continue
        try:
            if "lines" in exchange["response"]:
                framing_is_sse([item["line"] for item in exchange["response"]["lines"]])
            else:
                check_response(_response(exchange))
        except ConformanceFailure as exc:
            failures.append((number, label, str(exc).splitlines()[0]))
    return failures


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print("usage: python -m nemo_conformance.cassette CASSETTE.jsonl", file=sys.stderr)
        return 2
    status = 0
    for name in args:
        failures = validate(Path(name))
        for number, label, message in failures:
            print(f"{name}:{number}: {label}: {message}")
        print(f"{name}: {'OK' if not failures else f'{len(failures)} failing exchange(s)'}")
        status = status or (1 if failures else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
