"""Small request helpers shared by tests."""

from __future__ import annotations

import httpx


def anon(http: httpx.Client, client_id: str = "test-client") -> dict[str, str]:
    """Auth headers for a fresh anonymous user."""
    r = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['data']['token']}"}


def new_session(http: httpx.Client, headers: dict[str, str]) -> str:
    r = http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "t", "language": "en"}, headers=headers)
    assert r.status_code == 200, r.text
    sid: str = r.json()["data"]["session_id"]
    return sid
