"""Settings.mcp_error_carrier=http_status (B.4, open point 4): a tools/call whose tool fails with 402, 403 or 422
is answered with that HTTP status and the error as JSON, instead of a 200 carrying a tool result with isError.

The SDK writes the answer (a JSON body, or an SSE stream that ends after the result), so this send holds a
tools/call's answer back until it is complete, reads the result, and either lets it through or replaces it.
Holding back costs a tools/call its progress notifications while it runs; only this setting pays that.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Send

from nemo_protocol.wire import dumps, loads

CARRIED = (402, 403, 422)


def is_tool_call(message: Any) -> bool:
    return isinstance(message, dict) and message.get("method") == "tools/call"


def _failure(body: bytes) -> dict[str, Any] | None:
    """The structured error of a failed tool result in a JSON or SSE answer, if its code is one CARRIED."""
    texts = [body] if body.lstrip().startswith(b"{") else [
        line[5:].strip() for line in body.split(b"\n") if line.startswith(b"data:")]  # fmt: skip
    for text in texts:
        try:
            message = loads(text)
        except ValueError:
            continue
        result = message.get("result") if isinstance(message, dict) else None
        if not isinstance(result, dict) or not result.get("isError"):
            continue
        data = result.get("structuredContent")
        if isinstance(data, dict) and data.get("code") in CARRIED:
            return data
    return None


def as_http_status(send: Send) -> Send:
    """A send that answers a failed tools/call with its B.4 status."""
    held: list[Message] = []

    async def holding(message: Message) -> None:
        if message["type"] != "http.response.start" and not held:
            await send(message)
            return
        held.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            body = b"".join(m.get("body", b"") for m in held[1:])
            failure = _failure(body)
            if failure is None:
                for kept in held:
                    await send(kept)
            else:
                raw = dumps(failure)
                headers = [(k, v) for k, v in held[0].get("headers", [])
                           if k not in (b"content-type", b"content-length")]  # fmt: skip
                await send({"type": "http.response.start", "status": failure["code"],
                            "headers": [*headers, (b"content-type", b"application/json"),
                                        (b"content-length", str(len(raw)).encode())]})  # fmt: skip
                await send({"type": "http.response.body", "body": raw})
            held.clear()

    return holding
