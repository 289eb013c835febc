"""GET /openapi.json: an OpenAPI 3.1 description built from the emulator's own route table and the JSON Schemas
in fixtures/schemas (the same ones the conformance suite validates against)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from client._json import JSON

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"

_REQUEST_BODIES: dict[tuple[str, str], JSON] = {
    ("POST", "/api/tasks/{user}/with-session/{app}"): {
        "type": "object",
        "properties": {"task_name": {"type": "string"}, "language": {"type": "string"}},
    },
    ("POST", "/api/auth/claim-token"): {
        "type": "object",
        "required": ["task_id", "session_id"],
        "properties": {"task_id": {"type": "string"}, "session_id": {"type": "string"}},
    },
    ("POST", "/run_sse"): {
        "type": "object",
        "required": ["app_name", "session_id", "new_message"],
        "properties": {
            "app_name": {"type": "string", "enum": ["nemo_agent"]},
            "user_id": {"type": "string"},
            "session_id": {"type": "string"},
            "new_message": {
                "type": "object",
                "required": ["parts"],
                "properties": {
                    "role": {"type": "string"},
                    "parts": {"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}}}},
                },
            },
        },
    },
    ("POST", "/api/render/proxy/lambda"): {
        "type": "object",
        "required": ["id", "sessionId", "draft"],
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"},
            "sessionId": {"type": "string"},
            "draft": {"$ref": "#/components/schemas/draft"},
            "output": {
                "type": "object",
                "properties": {
                    "format": {"type": "string", "enum": ["mp4"]},
                    "quality": {"type": "string"},
                    "resolution": {"type": "string"},
                },
            },
        },
    },
}
_RESPONSES: dict[tuple[str, str], str] = {
    ("POST", "/api/auth/anonymous-token"): "anonymous_token",
    ("POST", "/api/auth/claim-token"): "claim_token",
    ("POST", "/api/tasks/{user}/with-session/{app}"): "session",
    ("GET", "/api/credits/balance/simple"): "balance",
    ("GET", "/api/state/nemo_agent/{user}/{session_id}/latest"): "state",
    ("POST", "/api/upload-video/nemo_agent/{user}/{session_id}"): "upload",
    ("POST", "/api/render/proxy/lambda"): "render_submit",
    ("GET", "/api/render/proxy/lambda/{render_id}"): "render_status",
}


@cache
def _schemas() -> dict[str, JSON]:
    out: dict[str, JSON] = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text())
        schema.pop("$schema", None)
        schema.pop("$id", None)
        local = json.dumps(schema).replace('"#/$defs/', f'"#/components/schemas/{path.stem}/$defs/')
        out[path.stem] = json.loads(local)
    text = json.dumps(out).replace('"nemo:draft"', '"#/components/schemas/draft"')
    result: dict[str, JSON] = json.loads(text)
    return result


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"} if name in _schemas() else {"type": "object"}


def _operation(method: str, path: str, endpoint: Any) -> JSON:
    doc = (endpoint.__doc__ or endpoint.__name__.replace("_", " ")).strip().splitlines()[0]
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in _path_params(path)]
    error_name = (
        "success_error"
        if path.startswith("/api/render/proxy")
        else ("detail_error" if path == "/run_sse" else "code_error")
    )
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
        name = _RESPONSES.get((method, path))
        responses["200"] = {
            "description": "success",
            "content": {"application/json": {"schema": _ref(name) if name else {"type": "object"}}},
        }
    op: JSON = {"summary": doc, "operationId": f"{method.lower()}_{endpoint.__name__}", "responses": responses}
    if params:
        op["parameters"] = params
    if not path.startswith(("/_emulator", "/cdn")) and path != "/api/auth/anonymous-token":
        op["security"] = [{"bearer": []}]
    if path == "/api/auth/anonymous-token":
        op["parameters"] = [
            {"name": "X-Client-Id", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 64}}
        ]
    body = _REQUEST_BODIES.get((method, path))
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    elif method == "POST" and path.startswith("/api/upload-video"):
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["urls"],
                        "properties": {
                            "urls": {"type": "array", "items": {"type": "string"}},
                            "source_type": {"type": "string"},
                        },
                    }
                },
            },
        }
    return op


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)


def build(routes: list[Any]) -> JSON:
    """The OpenAPI document for `routes` (Starlette Route objects)."""
    paths: JSON = {}
    for route in routes:
        if not isinstance(route, Route) or route.path == "/openapi.json":
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
