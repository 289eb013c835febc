"""Anonymous tokens, bearer auth and claim tokens (protocol §3.1, §3.3, §4)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_client import BadRequest, MissingClientId, NemoClient, RateLimited, TokenInvalid
from nemo_conformance.checks import check_response
from nemo_conformance.target import ClientFactory, Control, Target


@pytest.mark.fresh_identity
def test_anonymous_token_grants_100_credits(new_client: ClientFactory) -> None:
    client = new_client()
    data = client.anonymous_token()
    assert data["credits"] == 100
    assert client.balance() == {"available": 100, "frozen": 0, "total": 100}


def test_anonymous_token_requires_client_id(nemo_target: Target) -> None:
    with httpx.Client(base_url=nemo_target.url, event_hooks={"response": [check_response]}) as http:
        r = http.post("/api/auth/anonymous-token")
    assert r.status_code == 400 and r.json()["code"] == 400


def test_client_id_longer_than_64_is_rejected(new_client: ClientFactory) -> None:
    with pytest.raises(MissingClientId):
        new_client().anonymous_token("x" * 65)


@pytest.mark.fresh_identity
def test_second_token_for_the_same_client_within_7_days_is_429(new_client: ClientFactory) -> None:
    client = new_client()
    client.anonymous_token()
    with pytest.raises(RateLimited):
        client.anonymous_token()


@pytest.mark.needs_control
@pytest.mark.fresh_identity  # expires the token it holds
def test_token_expires_after_7_days(user: NemoClient, control: Control) -> None:
    control.advance(7 * 24 * 3600)
    with pytest.raises(TokenInvalid):
        user.balance()


@given(
    token=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=80),
        st.builds(lambda s: "nmv_usr_" + s, st.text(alphabet="abcXYZ019-_", min_size=0, max_size=48)),
        st.builds(lambda s: "clm_" + s, st.text(alphabet="abc123", min_size=1, max_size=30)),
    )
)
def test_any_unknown_bearer_is_1001(nemo_target: Target, token: str) -> None:
    client = nemo_target.client(token=token)
    try:
        with pytest.raises(TokenInvalid) as info:
            client.balance()
        assert info.value.status in (200, 401)
    finally:
        client.close()


@pytest.mark.parametrize("header", ["", "Bearer", "Basic dXNlcjpwYXNz", "Token nmv_usr_x"])
def test_malformed_authorization_is_1001(nemo_target: Target, header: str) -> None:
    with httpx.Client(base_url=nemo_target.url, event_hooks={"response": [check_response]}) as http:
        r = http.get("/api/credits/balance/simple", headers={"Authorization": header} if header else {})
    assert r.json()["code"] == 1001


def test_claim_token_is_issued_and_has_no_api_access(user: NemoClient, new_client: ClientFactory) -> None:
    snap = user.state()
    claim = user.claim_token(snap["task_id"], snap["session_id"])
    assert claim["claim_token"].startswith("clm_")
    other = new_client(token=claim["claim_token"])
    with pytest.raises(TokenInvalid):
        other.balance()


def test_claim_token_needs_a_body(user: NemoClient) -> None:
    with pytest.raises(BadRequest):
        user.request("POST", "/api/auth/claim-token", json={})


@pytest.mark.fresh_identity
def test_fresh_identities_are_independent(new_client: ClientFactory) -> None:
    a, b = new_client(client_id=f"conf-{uuid.uuid4()}"), new_client(client_id=f"conf-{uuid.uuid4()}")
    assert a.anonymous_token()["token"] != b.anonymous_token()["token"]
