"""Sessions and state: creation, the `me` alias, isolation between users (protocol §2.2, §3.2, §3.7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_client import BadRequest, NemoClient, SessionNotFound
from nemo_conformance.target import UserFactory


def test_new_session_has_empty_state(user: NemoClient) -> None:
    snap = user.state()
    assert snap["session_id"] == user.session_id
    assert snap["state"]["video_infos"] == [] and not (snap["state"]["draft"] or {}).get("t")


def test_language_is_optional(new_user: UserFactory) -> None:
    client = new_user()
    info = client.create_session()
    assert info["session_id"] and info["task_id"]


def test_state_accepts_the_users_own_id_in_place_of_me(user: NemoClient) -> None:
    if not user.user_id:
        pytest.skip("the token reply carried no user_id")
    snap = user.request("GET", f"/api/state/nemo_agent/{user.user_id}/{user.session_id}/latest")
    assert snap["session_id"] == user.session_id


def test_another_users_session_is_invisible(user: NemoClient, new_user: UserFactory) -> None:
    intruder = new_user()
    with pytest.raises(SessionNotFound) as foreign:
        intruder.state(user.session_id)
    with pytest.raises(SessionNotFound) as unknown:
        intruder.state("9" * 19)
    assert foreign.value.status == unknown.value.status


@given(session_id=st.text(alphabet="0123456789abcdefXYZ_-", min_size=1, max_size=40))
def test_unknown_session_ids_are_1002(user: NemoClient, session_id: str) -> None:
    if session_id == user.session_id:
        return
    with pytest.raises(SessionNotFound):
        user.state(session_id)


@given(
    body=st.one_of(
        st.builds(lambda v: {"task_name": v}, st.one_of(st.integers(), st.lists(st.integers()), st.booleans())),
        st.builds(lambda v: {"language": v}, st.one_of(st.integers(), st.dictionaries(st.text(), st.integers()))),
        st.lists(st.integers()),
        st.integers(),
    )
)
def test_wrongly_typed_session_bodies_are_400(user: NemoClient, body: object) -> None:
    with pytest.raises(BadRequest):
        user.request("POST", "/api/tasks/me/with-session/nemo_agent", json=body)
