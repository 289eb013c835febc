"""The tools around registered users: `nemo-emulator user add|list` and `nemo gateway …`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nemo_client.__main__ import main as nemo_main
from nemo_emulator.__main__ import main as emulator_main
from tests.conftest import Server


def test_user_add_prints_the_token_and_list_shows_the_user(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    emulator_main(["user", "add", "--url", server.url, "--email", "ada@x.test", "--plan", "creator", "--credits", "7"])
    added = json.loads(capsys.readouterr().out)
    assert added["plan"] == "creator" and added["available"] == 7 and added["token"].startswith("nmv_usr_")
    emulator_main(["user", "list", "--url", server.url])
    assert "ada@x.test" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        emulator_main(["user", "add", "--url", server.url, "--email", "ada@x.test"])  # the e-mail is taken


def test_nemo_gateway_commands(server_factory, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    server = server_factory(clock_mode="auto")
    emulator_main(["user", "add", "--url", server.url, "--email", "gw@x.test"])
    monkeypatch.setenv("NEMOVIDEO_API_KEY", json.loads(capsys.readouterr().out)["token"])
    base = ["gateway", "--gateway-url", server.url]
    out = io.StringIO()
    assert nemo_main([*base, "create", "a 5-second video of the sea", "--out", str(tmp_path / "s.mp4")], out) == 0
    assert "Project task_" in out.getvalue() and "Saved" in out.getvalue() and (tmp_path / "s.mp4").stat().st_size
    out = io.StringIO()
    assert nemo_main([*base, "history"], out) == 0 and "conversation" in out.getvalue()
    out = io.StringIO()
    assert nemo_main([*base, "credits"], out) == 0 and "Consumed: 100" in out.getvalue()
    assert nemo_main([*base, "--key", "nmv_usr_nope", "credits"], io.StringIO()) == 3
    assert "nemo-emulator user add" in capsys.readouterr().err
