"""The MCP surface (NEMO's MCP server, protocol Appendix B): its OAuth scopes, its error codes and its 26 tools with
their input schemas. Argument names NEMO does not document are the emulator's choices (marked in B.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

SCOPES: tuple[str, ...] = (
    "billing:read", "workspace:write", "video:read", "asset:write", "video:generate", "audio:generate", "audio:read",
    "render:write", "render:read", "agent:chat", "platform:read", "platform:write", "platform:publish",
)  # fmt: skip
"""B.2. `agent:chat` tools are listed only when granted; `platform:*` ones only to creator accounts."""
PLATFORM_SCOPES = ("platform:read", "platform:write", "platform:publish")
PLAN_RENDER = ("starter", "pro", "creator")
"""Plans that may render (B.3: render_video is Starter plan and above)."""
RESOURCE_PATH = "/mcp"
PROTOCOL_VERSIONS = ("2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28")


class McpCode(IntEnum):
    """The `code` of a tool error (B.4): HTTP-like numbers, never the mega API's 2001."""

    BAD_REQUEST = 400
    INSUFFICIENT_CREDITS = 402
    PLAN_REQUIRED = 403
    NOT_FOUND = 404
    CONFLICT = 409
    UNPROCESSABLE = 422
    RATE_LIMITED = 429
    INTERNAL = 500
    BUSY = 503


NAMES = {
    McpCode.BAD_REQUEST: "invalid_request", McpCode.INSUFFICIENT_CREDITS: "insufficient_credits",
    McpCode.PLAN_REQUIRED: "plan_required", McpCode.NOT_FOUND: "not_found", McpCode.CONFLICT: "version_conflict",
    McpCode.UNPROCESSABLE: "unprocessable", McpCode.RATE_LIMITED: "rate_limited", McpCode.INTERNAL: "internal",
    McpCode.BUSY: "busy",
}  # fmt: skip
FROM_MEGA = {1001: 401, 1002: 404, 2001: 402, 4001: 422, 4002: 422}
"""A code raised by the shared state layer -> the MCP surface's."""


def translate(code: int) -> int:
    value = FROM_MEGA.get(int(code), int(code))
    return value if value in {int(c) for c in McpCode} else (500 if value >= 500 else 400)


def _obj(required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required), "additionalProperties": False}


_S = {"type": "string", "minLength": 1, "maxLength": 512}
_ID = {"type": "string", "minLength": 1, "maxLength": 128}
_KEY = {"type": "string", "minLength": 1, "maxLength": 128, "description": "caller-stable key: one billed operation"}
_INT = {"type": "integer", "minimum": 0}
_REVISION = {"type": "integer", "minimum": 0, "description": "the revision last read; a stale one is refused"}


@dataclass(frozen=True)
class Tool:
    name: str
    scope: str
    description: str
    schema: dict[str, Any]
    billed: bool = False
    creator_only: bool = False
    tags: tuple[str, ...] = field(default=())


TOOLS: tuple[Tool, ...] = (
    Tool("get_credits", "billing:read", "The account's credits: available, frozen, total granted and consumed.",
         _obj()),
    Tool("create_video_project", "workspace:write", "A new video project and its agent session (version 0).",
         _obj(name={"type": "string", "maxLength": 200})),
    Tool("get_video_project", "video:read", "A project's saved Draft V3 template, its version and whether it has a "
         "draft.", _obj(("project_id",), project_id=_ID)),
    Tool("save_v3_draft", "workspace:write", "Replace the project's draft with a complete Draft V3 template, if "
         "base_version is still the project's version.",
         _obj(("project_id", "session_id", "main_template", "base_version"), project_id=_ID, session_id=_ID,
              main_template={"type": "string", "minLength": 1, "maxLength": 2_000_000}, base_version=_INT)),
    Tool("preview_video", "video:read", "Watch the saved draft: a player (an MCP Apps resource). Free.",
         _obj(("project_id",), project_id=_ID)),
    Tool("get_project_frame", "video:read", "One zero-based frame of the saved draft as a PNG image. Free.",
         _obj(("project_id", "frame"), project_id=_ID, frame={"type": "integer", "minimum": 0, "maximum": 10**7})),
    Tool("upload_asset", "asset:write", "Import media from a URL the server can reach into the project.",
         _obj(("project_id", "download_url"), project_id=_ID, download_url={"type": "string", "maxLength": 4096},
              filename={"type": "string", "maxLength": 200})),
    Tool("generate_video", "video:generate", "Generate a clip of at most 15 s (asynchronous; billed once per "
         "idempotency_key).", _obj(("prompt", "idempotency_key"), prompt=_S,
                                   duration={"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
                                   idempotency_key=_KEY, project_id=_ID), billed=True),
    Tool("generate_audio", "audio:generate", "Generate music (asynchronous), a sound effect or speech (synchronous);"
         " billed once per idempotency_key.",
         _obj(("kind", "prompt", "idempotency_key"), kind={"enum": ["music", "sound_effect", "speech"]}, prompt=_S,
              duration={"type": "number", "exclusiveMinimum": 0, "maximum": 600}, idempotency_key=_KEY,
              project_id=_ID), billed=True),
    Tool("get_generation_status", "video:read", "A generation's status (pending, running, succeeded, failed) and, "
         "once it succeeded, its media URL.",
         _obj(("generation_id", "generation_type"), generation_id=_ID, generation_type={"enum": ["video", "audio"]})),
    Tool("render_video", "render:write", "Export the saved draft as an MP4 (Starter plan and above).",
         _obj(("project_id",), project_id=_ID, quality={"enum": ["low", "medium", "high", "draft"]})),
    Tool("get_render_status", "render:read", "A render's status, progress and, once completed, its download URL.",
         _obj(("render_id",), render_id=_ID)),
    Tool("delegate_to_nemo_agent", "agent:chat", "Hand a request to NemoVideo's own agent in a session; poll the "
         "turn with get_nemo_agent_turn.",
         _obj(("session_id", "message"), session_id=_ID, message={"type": "string", "minLength": 1,
                                                                   "maxLength": 20000}, turn_id=_ID,
              attachments={"type": "array", "maxItems": 20, "items": _obj(("file_id",), file_id=_ID,
                                                                          mime_type=_S)})),
    Tool("get_nemo_agent_turn", "agent:chat", "A delegated turn: turn_state (running, awaiting_input, stopped), "
         "runtime_statuses and events.", _obj(("session_id", "turn_id"), session_id=_ID, turn_id=_ID)),
    Tool("cancel_nemo_agent_turn", "agent:chat", "Stop a delegated turn (its status becomes user_abort).",
         _obj(("session_id", "turn_id"), session_id=_ID, turn_id=_ID)),
    Tool("review_v3_draft", "video:read", "A bounded set of frames of the saved draft, with its structure checked.",
         _obj(("project_id",), project_id=_ID, frames={"type": "array", "maxItems": 4,
                                                      "items": {"type": "integer", "minimum": 0}})),
    Tool("resolve_project_resource_versions", "video:read", "The platform resource versions the saved draft pins.",
         _obj(("project_id",), project_id=_ID)),
    Tool("search_resources", "platform:read", "Platform resources ranked for a query.",
         _obj(query={"type": "string", "maxLength": 500}, project_id=_ID, tags={"type": "array", "maxItems": 20,
                                                                               "items": _S}), creator_only=True),
    Tool("get_platform_resource", "platform:read", "A resource's newest readable version.",
         _obj(("resource_id",), resource_id=_ID), creator_only=True),
    Tool("preview_platform_resource", "platform:read", "Preview one version of a resource as a widget or a page.",
         _obj(("resource_id", "resource_version_id", "version"), resource_id=_ID, resource_version_id=_ID,
              version=_INT, preview_mode={"enum": ["widget", "page"]}), creator_only=True),
    Tool("create_platform_resources", "platform:write", "Create resources, or new versions of them (per-item "
         "partial success).",
         _obj(("items",), items={"type": "array", "minItems": 1, "maxItems": 20, "items": _obj(
             ("title", "type_key", "body", "idempotency_key"), title=_S, description={"type": "string",
                                                                                      "maxLength": 5000},
             usage={"type": "string", "maxLength": 5000}, tags={"type": "array", "maxItems": 20, "items": _S},
             type_key={"enum": ["text", "graphics", "effect", "template"]},
             body={"type": "string", "maxLength": 200_000}, duration_ms=_INT, idempotency_key=_KEY,
             update=_obj(("resource_id", "base_resource_version_id", "base_version", "expected_resource_revision"),
                         resource_id=_ID, base_resource_version_id=_ID, base_version=_INT,
                         expected_resource_revision=_REVISION))}), creator_only=True),
    Tool("attach_platform_resource", "platform:write", "The track type and V3 node that place a resource version "
         "in a draft.",
         _obj(("resource_id", "resource_version_id", "version", "content_digest", "idempotency_key"),
              resource_id=_ID, resource_version_id=_ID, version=_INT, content_digest=_S, idempotency_key=_KEY,
              project_id=_ID), creator_only=True),
    Tool("list_resource_publications", "platform:read", "Publication records, the expected revision and the cover "
         "state of a resource.", _obj(("resource_id",), resource_id=_ID), creator_only=True),
    Tool("publish_platform_resource", "platform:publish", "Publish a resource version (its cover must be "
         "CONTENT_READY).", _obj(("resource_id", "resource_version_id", "expected_revision"), resource_id=_ID,
                                 resource_version_id=_ID, expected_revision=_REVISION), creator_only=True),
    Tool("rollback_platform_resource", "platform:publish", "Publish an earlier version again.",
         _obj(("resource_id", "resource_version_id", "expected_revision"), resource_id=_ID, resource_version_id=_ID,
              expected_revision=_REVISION), creator_only=True),
    Tool("unpublish_platform_resource", "platform:publish", "Withdraw a resource's publication.",
         _obj(("resource_id", "expected_revision"), resource_id=_ID, expected_revision=_REVISION),
         creator_only=True),
)  # fmt: skip
BY_NAME = {t.name: t for t in TOOLS}
