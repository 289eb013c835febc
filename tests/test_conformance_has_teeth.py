"""The conformance suite fails, with a message naming the broken rule, against emulators broken on purpose."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from tests.helpers import run_conformance, spawn_emulator, stop_emulator

CASES = {
    "envelope": ("test_sessions.py::test_new_session_has_empty_state", "does not match schema"),
    "no_heartbeat": ("test_run_sse.py::test_long_tool_runs_carry_heartbeats_within_the_interval",
                     "no heartbeat during a tool call"),
    "leak_session": ("test_sessions.py::test_another_users_session_is_invisible",
                     "test_another_users_session_is_invisible"),
    "balance": ("test_run_sse.py::test_credits_are_frozen_while_a_paid_tool_runs",
                "test_credits_are_frozen_while_a_paid_tool_runs"),
    "wrong_code": ("test_sessions.py::test_unknown_session_ids_are_1002", "(code 1001, HTTP 404)"),
    "credits_402": ("test_fidelity.py::test_out_of_credits_is_2001_and_never_402", "credits reported as HTTP 402"),
    "lenient_export": ("test_fidelity.py::test_an_export_without_attribution_is_402_once_credits_are_gone",
                       "without X-Skill-Source answered 200, not 402"),
    "no_partial": ("test_fidelity.py::test_streaming_sends_partial_text_then_the_whole_reply",
                   "streaming: true sent no partial events"),
    "run_sse_400": ("test_fidelity.py::test_a_malformed_run_body_gets_fastapis_422", "answered 400, not 422"),
    "no_rate_limit": ("test_fidelity.py::test_a_burst_is_rate_limited_and_the_client_retries_once_after_30_s",
                      "5000 requests in one virtual instant and no 429"),
    "slow_render": ("test_fidelity.py::test_the_quick_edit_and_its_render_keep_the_skills_timing", "a render took"),
    "gateway_envelope": ("test_gateway.py::test_ping_gets_pong", "a gateway 2xx lacks code 0 and its message"),
    "gateway_auth_code": ("test_gateway.py::test_a_bad_token_is_1010_with_401", "test_a_bad_token_is_1010_with_401"),
    "gateway_no_accept": ("test_gateway.py::test_a_chat_is_framed_and_ends_with_one_done",
                          "test_a_chat_is_framed_and_ends_with_one_done"),
    "gateway_consumed": ("test_gateway.py::test_a_chat_is_framed_and_ends_with_one_done",
                         "a paid turn left total_consumed as it was"),
    "mcp_refresh_reuse": ("test_mcp.py::test_refresh_rotates_and_a_replay_revokes_the_family",
                          "a replayed refresh token was exchanged again"),
    "mcp_scopes": ("test_mcp.py::test_a_tool_without_its_scope_is_403_insufficient_scope",
                   "a tool without its scope answered 400, not 403"),
    "mcp_pkce_metadata": ("test_mcp.py::test_discovery_metadata_at_both_addresses",
                          "the authorization server does not advertise PKCE S256"),
    "mcp_challenge": ("test_mcp.py::test_unauthenticated_mcp_is_401_with_a_challenge_cors_can_read",
                      "an unauthenticated /mcp answered 403, not 401"),
    "mcp_conflict": ("test_mcp.py::test_a_v3_draft_saves_and_a_stale_base_version_conflicts",
                     "expected a tool error (409, 'version_conflict'), got a result"),
    "mcp_credit_code": ("test_mcp.py::test_a_billed_tool_without_credits_is_402",
                        "a tool error's code is 2001, not one of (402, 'insufficient_credits')"),
}  # fmt: skip
"""Each mutant, the check that must catch it and the words its failure must say. Only that check runs: the
whole module would say the same, several seconds later."""


Run = subprocess.CompletedProcess[str]


def _against(mutation: str) -> Run:
    check = CASES[mutation][0]
    return run_conformance(f"conformance/{check}", f"--nemo-emulator-arg=--set=mutation={mutation}")


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[Run]]]:
    """The selected mutants' runs, two at a time: each is a pytest process driving an emulator process, and one
    alone leaves much of two cores idle."""
    name = test_suite_catches_a_broken_emulator.__name__
    selected = {item.callspec.params["mutation"] for item in request.session.items
                if isinstance(item, pytest.Function) and item.originalname == name}  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {mutation: pool.submit(_against, mutation) for mutation in sorted(selected)}


@pytest.mark.slow
@pytest.mark.parametrize("mutation", sorted(CASES))
def test_suite_catches_a_broken_emulator(mutation: str, runs: dict[str, Future[Run]]) -> None:
    needle = CASES[mutation][1]
    result = runs[mutation].result()
    assert result.returncode == 1, result.stdout[-3000:]
    assert needle in result.stdout, result.stdout[-3000:]
    assert "FAILED" in result.stdout


def test_suite_passes_against_the_unbroken_emulator_module() -> None:
    result = run_conformance("conformance/test_sessions.py")
    assert result.returncode == 0, result.stdout[-3000:]


def test_suite_refuses_a_server_that_allows_too_few_anonymous_users() -> None:
    proc, url = spawn_emulator()  # the protocol's default: ten anonymous users per IP per week
    try:
        result = run_conformance("conformance", f"--nemo-base-url={url}")
    finally:
        stop_emulator(proc)
    assert result.returncode == 2, result.stdout[-3000:]
    assert "--set anon_per_ip_limit=1000000" in result.stdout + result.stderr
