"""The conformance suite fails, with a message naming the broken rule, against emulators broken on purpose."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = {
    "envelope": ("test_sessions.py", "does not match schema"),
    "no_heartbeat": ("test_run_sse.py", "no heartbeat during a tool call"),
    "leak_session": ("test_sessions.py", "test_another_users_session_is_invisible"),
    "balance": ("test_run_sse.py", "test_credits_are_frozen_while_a_paid_tool_runs"),
    "wrong_code": ("test_sessions.py", "SessionNotFound"),
    "credits_402": ("test_fidelity.py", "credits reported as HTTP 402"),
    "lenient_export": ("test_fidelity.py", "without X-Skill-Source answered 200, not 402"),
    "no_partial": ("test_fidelity.py", "streaming: true sent no partial events"),
    "run_sse_400": ("test_fidelity.py", "answered 400, not 422"),
    "no_rate_limit": ("test_fidelity.py", "5000 requests in one virtual instant and no 429"),
    "slow_render": ("test_fidelity.py", "a render took"),
    "gateway_envelope": ("test_gateway.py", "a gateway 2xx lacks code 0 and its message"),
    "gateway_auth_code": ("test_gateway.py", "test_a_bad_token_is_1010_with_401"),
    "gateway_no_accept": ("test_gateway.py", "test_a_chat_is_framed_and_ends_with_one_done"),
    "gateway_consumed": ("test_gateway.py", "a paid turn left total_consumed as it was"),
    "mcp_refresh_reuse": ("test_mcp.py", "a replayed refresh token was exchanged again"),
    "mcp_scopes": ("test_mcp.py", "a tool without its scope answered 400, not 403"),
    "mcp_pkce_metadata": ("test_mcp.py", "the authorization server does not advertise PKCE S256"),
    "mcp_challenge": ("test_mcp.py", "an unauthenticated /mcp answered 403, not 401"),
    "mcp_conflict": ("test_mcp.py", "expected a tool error (409, 'version_conflict'), got a result"),
    "mcp_credit_code": ("test_mcp.py", "a tool error's code is 2001, not one of (402, 'insufficient_credits')"),
}


@pytest.mark.slow
@pytest.mark.parametrize("mutation", sorted(CASES))
def test_suite_catches_a_broken_emulator(mutation: str) -> None:
    module, needle = CASES[mutation]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"conformance/{module}",
            f"--nemo-emulator-arg=--set=mutation={mutation}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert needle in result.stdout, result.stdout[-3000:]
    assert "FAILED" in result.stdout


def test_suite_passes_against_the_unbroken_emulator_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "conformance/test_sessions.py"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_suite_refuses_a_server_that_allows_too_few_anonymous_users() -> None:
    from tests.helpers import spawn_emulator, stop_emulator

    proc, url = spawn_emulator()  # the protocol's default: ten anonymous users per IP per week
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "conformance", f"--nemo-base-url={url}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop_emulator(proc)
    assert result.returncode == 2, result.stdout[-3000:]
    assert "--set anon_per_ip_limit=1000000" in result.stdout + result.stderr
