"""Platform resources (the MCP server's creator tools, protocol B.3): reusable text, graphics, effect presets and
templates with versions, a revision that every change bumps (a stale `expected_revision` is refused), per-item
idempotency, and publication with its cover state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from nemo_emulator.clock import VirtualClock
from nemo_emulator.errors import ApiError
from nemo_protocol.mcp import McpCode

MAX_RESOURCES = 5000
MAX_VERSIONS = 100


@dataclass
class Version:
    id: str
    version: int
    title: str
    body: str
    type_key: str
    description: str = ""
    usage: str = ""
    tags: list[str] = field(default_factory=list)
    duration_ms: int = 0
    created_at: float = 0.0

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.body.encode()).hexdigest()

    def view(self) -> dict[str, Any]:
        return {"resource_version_id": self.id, "version": self.version, "title": self.title, "body": self.body,
                "type_key": self.type_key, "description": self.description, "usage": self.usage, "tags": self.tags,
                "duration_ms": self.duration_ms, "content_digest": self.digest}  # fmt: skip


@dataclass
class Resource:
    id: str
    owner: str
    versions: list[Version] = field(default_factory=list)
    revision: int = 1
    published: str | None = None
    """The published version's id, if any."""
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def newest(self) -> Version:
        return self.versions[-1]

    def version(self, version_id: str, number: int | None = None) -> Version:
        for v in self.versions:
            if v.id == version_id and (number is None or v.version == number):
                return v
        raise ApiError(McpCode.NOT_FOUND, f"resource {self.id} has no version {version_id!r}"
                                          + (f" numbered {number}" if number is not None else ""))  # fmt: skip

    def view(self) -> dict[str, Any]:
        return {"resource_id": self.id, **self.newest.view(), "resource_revision": self.revision,
                "published_version_id": self.published}  # fmt: skip


@dataclass
class Platform:
    clock: VirtualClock
    resources: dict[str, Resource] = field(default_factory=dict)
    keys: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(user, idempotency key) -> the result the first call with it got."""
    _next: int = 1

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}_{self._next:08d}"

    def readable(self, user_id: str, resource_id: str) -> Resource:
        found = self.resources.get(resource_id)
        if found is None or (found.owner != user_id and found.published is None):
            raise ApiError(McpCode.NOT_FOUND, f"no platform resource {resource_id[:80]!r}")
        return found

    def owned(self, user_id: str, resource_id: str) -> Resource:
        found = self.resources.get(resource_id)
        if found is None or found.owner != user_id:
            raise ApiError(McpCode.NOT_FOUND, f"no platform resource {resource_id[:80]!r} of yours")
        return found

    @staticmethod
    def check_revision(resource: Resource, expected: int) -> None:
        if expected != resource.revision:
            raise ApiError(McpCode.CONFLICT, f"resource {resource.id} is at revision {resource.revision}, not "
                                             f"{expected}; read it again")  # fmt: skip

    def create(self, user_id: str, item: dict[str, Any]) -> dict[str, Any]:
        """One item of create_platform_resources: a new resource, or (with `update`) a new version of one."""
        key = (user_id, str(item["idempotency_key"]))
        if key in self.keys:
            return self.keys[key]
        try:
            update = item.get("update")
            if update:
                resource = self.owned(user_id, update["resource_id"])
                newest = resource.newest
                if (update["base_resource_version_id"], update["base_version"]) != (newest.id, newest.version):
                    raise ApiError(McpCode.CONFLICT, f"the newest version of {resource.id} is {newest.version}; "
                                                     "base the update on it")  # fmt: skip
                self.check_revision(resource, update["expected_resource_revision"])
                if len(resource.versions) >= MAX_VERSIONS:
                    raise ApiError(McpCode.UNPROCESSABLE, f"at most {MAX_VERSIONS} versions a resource")
            else:
                if len(self.resources) >= MAX_RESOURCES:
                    raise ApiError(McpCode.UNPROCESSABLE, f"at most {MAX_RESOURCES} resources")
                resource = Resource(self._id("res"), user_id)
                self.resources[resource.id] = resource
            version = Version(self._id("ver"), len(resource.versions) + 1, item["title"], item["body"],
                              item["type_key"], item.get("description", ""), item.get("usage", ""),
                              list(item.get("tags", [])), int(item.get("duration_ms", 0)),
                              self.clock.now())  # fmt: skip
            resource.versions.append(version)
            resource.revision += 1 if update else 0
            result: dict[str, Any] = {"ok": True, "resource": resource.view(), "error": None}
        except ApiError as exc:
            result = {"ok": False, "resource": None, "error": {"code": int(exc.code), "message": exc.message}}
        self.keys[key] = result
        return result

    def search(self, user_id: str, query: str, tags: list[str]) -> list[dict[str, Any]]:
        words = [w for w in query.lower().split() if w]
        ranked = []
        for resource in self.resources.values():
            if resource.owner != user_id and resource.published is None:
                continue
            v = resource.newest
            text = f"{v.title} {v.description} {v.usage} {' '.join(v.tags)}".lower()
            score = sum(text.count(w) for w in words) + 2 * len(set(tags) & set(v.tags))
            if score or not (words or tags):
                ranked.append((score, resource))
        ranked.sort(key=lambda x: (-x[0], x[1].id))
        return [{"resource_id": r.id, "resource_version_id": r.newest.id, "version": r.newest.version,
                 "content_digest": r.newest.digest, "title": r.newest.title, "score": s} for s, r in ranked[:50]]

    def publish(self, resource: Resource, version: Version, expected: int, what: str) -> dict[str, Any]:
        self.check_revision(resource, expected)
        resource.published = version.id
        resource.revision += 1
        resource.history.append({"action": what, "resource_version_id": version.id, "version": version.version,
                                 "at": self.clock.iso()})  # fmt: skip
        return self.publications(resource)

    def unpublish(self, resource: Resource, expected: int) -> dict[str, Any]:
        self.check_revision(resource, expected)
        if resource.published is None:
            raise ApiError(McpCode.CONFLICT, f"resource {resource.id} is not published")
        resource.history.append({"action": "unpublish", "resource_version_id": resource.published,
                                 "at": self.clock.iso()})  # fmt: skip
        resource.published = None
        resource.revision += 1
        return self.publications(resource)

    @staticmethod
    def publications(resource: Resource) -> dict[str, Any]:
        return {"resource_id": resource.id, "records": list(resource.history), "expected_revision": resource.revision,
                "published_version_id": resource.published, "cover_state": "CONTENT_READY"}  # fmt: skip
