"""GET /openapi.json: an OpenAPI 3.1 description built from the emulator's routes, the protocol's endpoint table
and its JSON Schemas (the same ones the conformance suite validates against)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nemo_protocol import schemas
from nemo_protocol.routes import ENDPOINTS, Endpoint, envelope_for
from nemo_protocol.wire import JSON

_BY_ROUTE: dict[tuple[str, str], Endpoint] = {(e.method, e.path): e for e in ENDPOINTS}
NOT_REST = ("/mcp", "/oauth/", "/.well-known/", "/ws/")
"""The MCP surface (JSON-RPC, described by its tools/list) and OAuth (described by its metadata) are left out."""


@cache
def _schemas() -> dict[str, JSON]:
    out: dict[str, JSON] = {}
    for name, original in sorted(schemas.all_schemas().items()):
        schema = dict(original)
        schema.pop("$schema", None)
        schema.pop("$id", None)
        local = json.dumps(schema).replace('"#/$defs/', f'"#/components/schemas/{name}/$defs/')
        out[name] = json.loads(local)
    text = re.sub(r'"nemo:(\w+)"', r'"#/components/schemas/\1"', json.dumps(out))
    result: dict[str, JSON] = json.loads(text)
    return result


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"} if name in _schemas() else {"type": "object"}


def _operation(method: str, path: str, handler: Any) -> JSON:
    spec = _BY_ROUTE.get((method, path))
    doc = spec.summary if spec else (handler.__doc__ or handler.__name__.replace("_", " ")).strip().splitlines()[0]
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in _path_params(path)]
    error_name = f"{envelope_for(path)}_error"
    responses: JSON = {
        "default": {"description": "protocol error", "content": {"application/json": {"schema": _ref(error_name)}}}
    }
    if path == "/run_sse":
        responses["200"] = {
            "description": "ADK events, one `data:` line each, plus heartbeats",
            "content": {"text/event-stream": {"schema": {"type": "string"}, "x-event-schema": _ref("sse_event")}},
        }
    elif path.endswith("/download") or path.startswith("/cdn/"):
        responses["200"] = {
            "description": "file bytes (HTTP Range supported)",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    else:
        name = spec.response if spec else None
        responses["200"] = {
            "description": "success",
            "content": {"application/json": {"schema": _ref(name) if name else {"type": "object"}}},
        }
    slug = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "root"
    op: JSON = {"summary": doc, "operationId": f"{method.lower()}_{slug}", "responses": responses}
    if params:
        op["parameters"] = params
    if not path.startswith(("/_emulator", "/cdn")) and path != "/api/auth/anonymous-token":
        op["security"] = [{"bearer": []}]
    if path == "/api/auth/anonymous-token":
        op["parameters"] = [
            {"name": "X-Client-Id", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 64}}
        ]
    if spec is not None and spec.request is not None:
        content: JSON = {"application/json": {"schema": _ref(spec.request)}}
        if spec.name == "upload":
            files = {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}
            content["multipart/form-data"] = {"schema": {"type": "object", "properties": files}}
        op["requestBody"] = {"required": spec.name != "create_session", "content": content}
    return op


def _path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def build(routes: list[Any]) -> JSON:
    """The OpenAPI document for `routes` (Starlette Route objects), described from the protocol's endpoint table."""
    paths: JSON = {}
    for route in routes:
        if not isinstance(route, Route) or route.path == "/openapi.json" or route.path.startswith(NOT_REST):
            continue
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            paths.setdefault(route.path, {})[method.lower()] = _operation(method, route.path, route.endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "NemoVideo agent API (nemo-emulator)",
            "version": "0.1.0",
            "description": "The NEMO agent API as the emulator serves it; /_emulator/ is emulator-only.",
        },
        "paths": paths,
        "components": {"schemas": _schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


async def openapi(request: Request) -> Response:
    """The OpenAPI 3.1 description of every endpoint."""
    return JSONResponse(build(request.app.routes))


routes = [Route("/openapi.json", openapi, methods=["GET"])]
