"""ADK's /run_sse request model (RunAgentRequest) as its FastAPI app checks it: the same 422 `{"detail": [...]}`
errors, field by field, that pydantic reports, for the ADK release the emulator plays (Settings.adk_profile).

Keys may be snake_case or camelCase (ADK's models populate by name and by alias). A missing field is reported
under its camelCase alias, a wrong one under the key the client sent, as pydantic does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nemo_emulator.mega.adk import Profile
from nemo_emulator.web.body import too_deep
from nemo_protocol.wire import JSON

_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


@dataclass(frozen=True, slots=True)
class RunRequest:
    app_name: str | None
    user_id: str
    session_id: str
    text: str
    streaming: bool


class Invalid(Exception):
    """The body fails the request model; `errors` is FastAPI's `detail` list."""

    def __init__(self, errors: list[JSON]) -> None:
        super().__init__(errors[0]["msg"] if errors else "invalid body")
        self.errors = errors


def _missing(alias: str, body: Any) -> JSON:
    return {"type": "missing", "loc": ["body", alias], "msg": "Field required", "input": body}


def _dict_error(loc: list[Any], value: Any) -> JSON:
    msg = "Input should be a valid dictionary or object to extract fields from"
    return {"type": "model_attributes_type", "loc": loc, "msg": msg, "input": value}


def _string(errors: list[JSON], loc: list[Any], value: Any) -> None:
    if not isinstance(value, str):
        errors.append({"type": "string_type", "loc": loc, "msg": "Input should be a valid string", "input": value})


def _boolean(errors: list[JSON], loc: list[Any], value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if isinstance(value, str | int | float):
        msg = "Input should be a valid boolean, unable to interpret input"
        errors.append({"type": "bool_parsing", "loc": loc, "msg": msg, "input": value})
    else:
        errors.append({"type": "bool_type", "loc": loc, "msg": "Input should be a valid boolean", "input": value})
    return False


def _field(body: JSON, snake: str, camel: str) -> tuple[str, Any] | None:
    for key in (snake, camel):
        if key in body:
            return key, body[key]
    return None


def _message(errors: list[JSON], key: str, value: Any) -> str:
    """google.genai's Content: `{"role"?: str, "parts"?: [{"text"?: str, …}]}`; the text of its parts."""
    loc: list[Any] = ["body", key]
    if not isinstance(value, dict):
        errors.append(_dict_error(loc, value))
        return ""
    if "role" in value and value["role"] is not None:
        _string(errors, [*loc, "role"], value["role"])
    parts = value.get("parts")
    if parts is None:
        return ""
    if not isinstance(parts, list):
        errors.append(
            {"type": "list_type", "loc": [*loc, "parts"], "msg": "Input should be a valid list", "input": parts}
        )
        return ""
    texts = []
    for i, part in enumerate(parts):
        if not isinstance(part, dict):
            errors.append(_dict_error([*loc, "parts", i], part))
            continue
        text = part.get("text")
        if text is not None:
            _string(errors, [*loc, "parts", i, "text"], text)
            if isinstance(text, str) and text:
                texts.append(text)
    return "\n".join(texts)


def parse(raw: bytes, content_type: str, profile: Profile, max_depth: int = 32) -> RunRequest:
    """The request, or Invalid with the errors ADK's FastAPI app would answer 422 with."""
    if not raw.strip():
        raise Invalid([{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}])
    if not content_type.split(";")[0].strip().lower().endswith(("/json", "+json")):
        raise Invalid([_dict_error(["body"], raw.decode("utf-8", "replace"))])
    if too_deep(raw, max_depth):
        raise Invalid([{"type": "json_invalid", "loc": ["body", 0], "msg": "JSON decode error", "input": {},
                        "ctx": {"error": f"nested deeper than {max_depth} levels"}}])  # fmt: skip
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        pos = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "invalid UTF-8"
        error = {
            "type": "json_invalid",
            "loc": ["body", pos],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": reason},
        }
        raise Invalid([error]) from None
    except RecursionError:
        raise Invalid(
            [
                {
                    "type": "json_invalid",
                    "loc": ["body", 0],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": "nested too deeply"},
                }
            ]
        ) from None
    if not isinstance(body, dict):
        raise Invalid([_dict_error(["body"], body)])
    errors: list[JSON] = []
    values: dict[str, Any] = {}
    for snake, camel, required in (
        ("app_name", "appName", profile.app_name_required),
        ("user_id", "userId", True),
        ("session_id", "sessionId", True),
    ):
        found = _field(body, snake, camel)
        if found is None or (found[1] is None and required):
            if required:
                errors.append(_missing(camel, body))
            continue
        if found[1] is not None:
            _string(errors, ["body", found[0]], found[1])
            values[snake] = found[1]
    message = _field(body, "new_message", "newMessage")
    text = ""
    if message is None or message[1] is None:
        if profile.message_required:
            errors.append(_missing("newMessage", body))
    else:
        text = _message(errors, *message)
    streaming = False
    if (flag := _field(body, "streaming", "streaming")) is not None:
        streaming = _boolean(errors, ["body", flag[0]], flag[1])
    if errors:
        raise Invalid(errors)
    return RunRequest(values.get("app_name"), values["user_id"], values["session_id"], text, streaming)
