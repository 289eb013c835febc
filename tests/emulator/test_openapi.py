"""GET /openapi.json describes every route and is a valid OpenAPI 3.1 document."""

from __future__ import annotations

import httpx
from openapi_spec_validator import validate

from tests.conftest import Server


def test_openapi_is_valid_and_covers_every_route(http: httpx.Client, server: Server) -> None:
    spec = http.get("/openapi.json").json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    from starlette.routing import Route

    from nemo_emulator.app import create_app
    from nemo_emulator.web.openapi import NOT_REST

    app = create_app(server.store.settings)
    expected = {
        (r.path, m.lower())
        for r in app.routes
        if isinstance(r, Route) and r.path != "/openapi.json" and not r.path.startswith(NOT_REST)
        for m in (r.methods or set()) - {"HEAD"}
    }
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert documented == expected
    assert any(p.startswith("/api/v1/") for p in spec["paths"]), "the gateway's REST routes are described"
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), "operation ids are unique"
    app.state.store.close()
    run = spec["paths"]["/run_sse"]["post"]
    assert "text/event-stream" in run["responses"]["200"]["content"]
    assert run["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/run_request"}
    assert {"app_name", "user_id", "session_id"} <= set(spec["components"]["schemas"]["run_request"]["required"])
    balance = spec["paths"]["/api/credits/balance/simple"]["get"]["responses"]["200"]
    assert balance["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/balance"}
