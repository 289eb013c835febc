"""Checks applied to every response the suite sees, and the JSON Schemas they validate against.

Each check is a small named function raising ConformanceFailure (an AssertionError with a title).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from nemo_protocol import schemas
from nemo_protocol.codes import Code
from nemo_protocol.routes import match

KNOWN_CODES = {int(c) for c in Code}


class ConformanceFailure(AssertionError):
    """A response broke the protocol; `title` names the rule."""

    def __init__(self, title: str, detail: str = "") -> None:
        super().__init__(f"{title}\n{detail}" if detail else title)
        self.title = title


@cache
def _validator(name: str) -> Draft202012Validator:
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.all_schemas().values()
    )
    return Draft202012Validator(schemas.load(name), registry=registry)


def validate(name: str, instance: Any) -> None:
    """Validate `instance` against the protocol's schema `name` (nemo_protocol/schemas/<name>.json)."""
    __tracebackhide__ = True
    validator = _validator(name)
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: e.path)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise ConformanceFailure(
            f"response does not match schema {name!r} at {where}", f"{error.message}\n{json.dumps(instance)[:600]}"
        )


def route_schemas(method: str, path: str) -> tuple[str, str] | None:
    """(success schema, error schema) of the endpoint a request went to, from the protocol's endpoint table."""
    found = match(method, path)
    if found is None:
        return None
    ok = found.response if found.body == "json" else ""
    return ok or "", f"{found.envelope}_error"


def never_server_error(response: httpx.Response) -> None:
    __tracebackhide__ = True
    if response.status_code >= 500:
        raise ConformanceFailure(
            f"server error {response.status_code} on {response.request.method} {response.request.url.path}",
            response.text[:500],
        )


def json_body(response: httpx.Response) -> Any:
    __tracebackhide__ = True
    ctype = response.headers.get("content-type", "")
    if not ctype.startswith("application/json"):
        raise ConformanceFailure(
            f"expected application/json from {response.request.url.path}, got {ctype!r}", response.text[:300]
        )
    try:
        return json.loads(response.content)
    except ValueError:
        raise ConformanceFailure("body is not valid JSON", response.text[:300]) from None


def code_is_known(body: Any) -> None:
    __tracebackhide__ = True
    code = body.get("code") if isinstance(body, dict) else None
    if code is not None and code not in KNOWN_CODES:
        raise ConformanceFailure(f"unknown error code {code!r}", json.dumps(body)[:300])


def envelope_is_well_formed(response: httpx.Response) -> None:
    """Success bodies match their route's schema; errors use the route family's envelope and a known code."""
    __tracebackhide__ = True
    found = route_schemas(response.request.method, response.request.url.path)
    if found is None:
        return
    ok_schema, error_schema = found
    body = json_body(response)
    failed = response.status_code >= 400 or (
        isinstance(body, dict) and (body.get("success") is False or body.get("code") not in (0, None))
    )
    if failed:
        validate(error_schema, body)
        code_is_known(body)
    elif ok_schema:
        validate(ok_schema, body)


RESPONSE_CHECKS: list[Callable[[httpx.Response], None]] = [never_server_error, envelope_is_well_formed]


def check_response(response: httpx.Response) -> None:
    """httpx response hook: run every generic check on non-streaming replies."""
    __tracebackhide__ = True
    never_server_error(response)
    ctype = response.headers.get("content-type", "")
    if ctype.startswith("text/event-stream") or ctype.startswith(("video/", "audio/", "image/")):
        return
    response.read()
    for check in RESPONSE_CHECKS[1:]:
        check(response)


def sse_event(data: str) -> None:
    """One stream event: empty (heartbeat) or a JSON event matching the ADK event schema."""
    __tracebackhide__ = True
    if data.strip() in ("", "heartbeat"):
        return
    try:
        event = json.loads(data)
    except ValueError:
        raise ConformanceFailure("stream event is not JSON", data[:300]) from None
    validate("sse_event", event)
