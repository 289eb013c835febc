"""Platform resources, for creator accounts: search, read, preview, create (per-item partial success), attach,
and publication (publish, roll back, unpublish, each against the revision last read)."""

from __future__ import annotations

import html

import mcp_types as types

from nemo_emulator.errors import ApiError
from nemo_emulator.mcp.tools.base import Context, Handler, Reply
from nemo_protocol.mcp import McpCode
from nemo_protocol.wire import JSON

TRACK_FOR = {"text": "text", "graphics": "graphics", "effect": "effect", "template": "graphics"}


async def search_resources(ctx: Context, args: JSON) -> Reply:
    ranked = ctx.store.platform.search(ctx.user.id, args.get("query", ""), list(args.get("tags") or []))
    return Reply({"resources": ranked, "count": len(ranked)})


async def get_platform_resource(ctx: Context, args: JSON) -> Reply:
    return Reply(ctx.store.platform.readable(ctx.user.id, args["resource_id"]).view())


async def preview_platform_resource(ctx: Context, args: JSON) -> Reply:
    resource = ctx.store.platform.readable(ctx.user.id, args["resource_id"])
    version = resource.version(args["resource_version_id"], args["version"])
    mode = args.get("preview_mode", "widget")
    page = (f"<!doctype html><meta charset='utf-8'><h1>{html.escape(version.title)}</h1>"
            f"<pre>{html.escape(version.body)}</pre>")
    uri = f"ui://nemovideo/platform/{resource.id}/{version.id}?mode={mode}"
    content = types.EmbeddedResource(type="resource", resource=types.TextResourceContents(
        uri=uri, mime_type="text/html;profile=mcp-app", text=page))  # fmt: skip
    return Reply({"resource_id": resource.id, "resource_version_id": version.id, "version": version.version,
                  "preview_mode": mode, "preview": uri}, [content])  # fmt: skip


async def create_platform_resources(ctx: Context, args: JSON) -> Reply:
    results = [ctx.store.platform.create(ctx.user.id, item) for item in args["items"]]
    ctx.store.commit()
    return Reply({"ok": all(r["ok"] for r in results), "items": results})


async def attach_platform_resource(ctx: Context, args: JSON) -> Reply:
    platform = ctx.store.platform
    key = (ctx.user.id, f"attach:{args['idempotency_key']}")
    if key in platform.keys:
        return Reply(platform.keys[key])
    resource = platform.readable(ctx.user.id, args["resource_id"])
    version = resource.version(args["resource_version_id"], args["version"])
    if version.digest != args["content_digest"]:
        raise ApiError(McpCode.CONFLICT, f"content_digest does not match version {version.version}; read the resource "
                                         "again")  # fmt: skip
    track = TRACK_FOR.get(version.type_key, "graphics")
    node = (f'<clip id="{resource.id}-{version.version}" in="0" out="{version.duration_ms or 3000}" '
            f'data-resource-id="{resource.id}" data-resource-version-id="{version.id}" '
            f'data-resource-version="{version.version}"><div>{html.escape(version.title)}</div></clip>')  # fmt: skip
    result: JSON = {"track_type": track, "use_node": node, "resource_id": resource.id, "version": version.version}
    platform.keys[key] = result
    return Reply(result)


async def list_resource_publications(ctx: Context, args: JSON) -> Reply:
    resource = ctx.store.platform.owned(ctx.user.id, args["resource_id"])
    return Reply(ctx.store.platform.publications(resource))


async def publish_platform_resource(ctx: Context, args: JSON) -> Reply:
    platform = ctx.store.platform
    resource = platform.owned(ctx.user.id, args["resource_id"])
    version = resource.version(args["resource_version_id"])
    return Reply({"ok": True, **platform.publish(resource, version, args["expected_revision"], "publish")})


async def rollback_platform_resource(ctx: Context, args: JSON) -> Reply:
    platform = ctx.store.platform
    resource = platform.owned(ctx.user.id, args["resource_id"])
    version = resource.version(args["resource_version_id"])
    if version.id == resource.published:
        raise ApiError(McpCode.CONFLICT, f"version {version.version} is the one published already")
    return Reply({"ok": True, **platform.publish(resource, version, args["expected_revision"], "rollback")})


async def unpublish_platform_resource(ctx: Context, args: JSON) -> Reply:
    platform = ctx.store.platform
    resource = platform.owned(ctx.user.id, args["resource_id"])
    return Reply({"ok": True, **platform.unpublish(resource, args["expected_revision"])})


TOOLS: dict[str, Handler] = {
    "search_resources": search_resources,
    "get_platform_resource": get_platform_resource,
    "preview_platform_resource": preview_platform_resource,
    "create_platform_resources": create_platform_resources,
    "attach_platform_resource": attach_platform_resource,
    "list_resource_publications": list_resource_publications,
    "publish_platform_resource": publish_platform_resource,
    "rollback_platform_resource": rollback_platform_resource,
    "unpublish_platform_resource": unpublish_platform_resource,
}
