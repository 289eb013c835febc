"""Draft Protocol V3 (protocol B.5), the MCP server's notation of the one draft model (draft.py).

`parse` reads an XML-like V3 template into the short-key model and checks its structure: the root's attributes,
typed tracks with unique ids, clips with `in < out` inside the duration that do not overlap on a track, media
children, transitions after the tracks, scripts without forbidden identifiers. Every error names its element,
attribute and id. Whatever the model has no field for (styles, data, render bodies, components, scripts,
transitions, plugins, unknown attributes) is kept verbatim and written back out by `write`, which also writes
drafts made on other surfaces (by the agent, say), with media URLs as `asset://` where they are uploads.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from nemo_protocol.draft import AUDIO, TEXT, VIDEO, DraftError, DraftLimits, segments, validate
from nemo_protocol.wire import JSON, obj

TRACK_TYPES = ("video", "image", "text", "graphics", "effect", "audio", "voice", "bgm", "sfx")
TT = {"video": VIDEO, "image": VIDEO, "text": TEXT, "audio": AUDIO, "voice": AUDIO, "bgm": AUDIO, "sfx": AUDIO,
      "graphics": 2, "effect": 3}  # fmt: skip
TYPE_OF = {VIDEO: "video", AUDIO: "bgm", TEXT: "text", 2: "graphics", 3: "effect"}
MEDIA = {"video", "img", "image", "audio"}
TEXT_TAGS = {"div", "span", "p", "h1", "h2", "h3", "text"}
KEPT = {"styles", "data", "render", "component", "script", "lottie", "motion", "anime", "gsap", "three"}
FORBIDDEN = re.compile(r"\b(?:fetch|XMLHttpRequest|WebSocket|eval|Function|importScripts|localStorage|sessionStorage"
                       r"|indexedDB|document\.cookie|navigator\.sendBeacon|import\s*\()")  # fmt: skip
MAX_TEXT = 2_000_000


class V3Error(ValueError):
    """The template is not a valid Draft V3; `errors` locate each problem (element, attribute, id, message)."""

    def __init__(self, errors: list[JSON]) -> None:
        super().__init__("; ".join(_describe(e) for e in errors[:5]))
        self.errors = errors


def _describe(error: JSON) -> str:
    where = error["element"] + (f"#{error['id']}" if error.get("id") else "")
    where += f"@{error['attribute']}" if error.get("attribute") else ""
    return f"{where}: {error['message']}"


def _error(errors: list[JSON], element: str, message: str, *, attribute: str | None = None,
           id_: str | None = None) -> None:  # fmt: skip
    errors.append({"element": element, "attribute": attribute, "id": id_, "message": message})


def _number(errors: list[JSON], el: ET.Element, name: str, *, required: bool, positive: bool = False,
            limit: float = 24 * 3600 * 1000) -> float | None:  # fmt: skip
    raw = el.get(name)
    if raw is None:
        if required:
            _error(errors, el.tag, "is required", attribute=name, id_=el.get("id"))
        return None
    try:
        value = float(raw)
    except ValueError:
        _error(errors, el.tag, f"must be a number, not {raw[:40]!r}", attribute=name, id_=el.get("id"))
        return None
    if value != value or value < 0 or (positive and value == 0) or value > limit:
        _error(errors, el.tag, f"{raw[:40]} is out of range", attribute=name, id_=el.get("id"))
        return None
    return value


def _raw(el: ET.Element) -> str:
    text = ET.tostring(el, encoding="unicode")
    return text.rstrip()


def _extra(el: ET.Element, known: set[str]) -> dict[str, str]:
    return {k: v for k, v in el.attrib.items() if k not in known}


def _style(value: str | None) -> JSON:
    """The inline CSS the model understands (color, font-size) out of a style attribute."""
    out: JSON = {}
    for part in (value or "").split(";"):
        key, _, val = part.partition(":")
        key, val = key.strip().lower(), val.strip()
        if key == "color" and val:
            out["color"] = val
        elif key == "font-size" and (m := re.match(r"(\d+(?:\.\d+)?)px$", val)):
            out["size"] = int(float(m.group(1)))
    return out


def parse(template: str, limits: DraftLimits | None = None) -> JSON:
    """The model of a V3 template, or V3Error listing what is wrong with it."""
    limits = limits or DraftLimits()
    errors: list[JSON] = []
    if len(template) > MAX_TEXT:
        raise V3Error([{"element": "draft", "attribute": None, "id": None, "message": "template too large"}])
    if re.search(r"<!(?:DOCTYPE|ENTITY)", template, re.IGNORECASE):
        raise V3Error([{"element": "draft", "attribute": None, "id": None, "message": "DOCTYPE and ENTITY "
                        "declarations are not allowed"}])  # fmt: skip
    try:
        root = ET.fromstring(template)
    except ET.ParseError as exc:
        line, column = exc.position
        raise V3Error([{"element": "draft", "attribute": None, "id": None, "line": line, "column": column,
                        "message": f"not well-formed: tags and quoted attributes must balance ({exc})"}]) from None
    if root.tag != "draft":
        raise V3Error([{"element": root.tag, "attribute": None, "id": None, "message": "the root must be <draft>"}])
    fps = _number(errors, root, "fps", required=True, positive=True, limit=120)
    width = _number(errors, root, "width", required=True, positive=True, limit=16384)
    height = _number(errors, root, "height", required=True, positive=True, limit=16384)
    duration = _number(errors, root, "duration", required=True, positive=True, limit=limits.max_duration_ms)
    meta: JSON = {"width": int(width or 1920), "height": int(height or 1080), "fps": int(fps or 30)}
    before: list[str] = []
    after: list[str] = []
    tracks: list[JSON] = []
    ids: set[str] = set()
    seen_transitions = False
    for child in root:
        if child.tag == "track":
            if seen_transitions:
                _error(errors, "track", "tracks come before <transitions>", id_=child.get("id"))
            track = _track(child, errors, ids, duration)
            if track is not None:
                tracks.append(track)
        elif child.tag == "transitions":
            seen_transitions = True
            _transitions(child, errors)
            after.append(_raw(child))
        elif child.tag in KEPT:
            _script(child, errors)
            (after if tracks else before).append(_raw(child))
        else:
            _error(errors, child.tag, "is not a direct child <draft> may have (track, transitions, styles, data, "
                                      "render, component, script, or a plugin)")  # fmt: skip
    if errors:
        raise V3Error(errors)
    meta["v3"] = {"attrs": _extra(root, {"fps", "width", "height", "duration"}), "before": before, "after": after}
    draft: JSON = {"d": int(duration or 0), "m": meta, "t": tracks}
    try:
        validate(draft, limits) if any(t["sg"] for t in tracks) else None
    except DraftError as exc:
        raise V3Error([{"element": "draft", "attribute": None, "id": None, "message": str(exc)}]) from None
    return draft


def _script(el: ET.Element, errors: list[JSON]) -> None:
    for node in el.iter("script"):
        if node.text and (bad := FORBIDDEN.search(node.text)):
            _error(errors, "script", f"uses the forbidden identifier {bad.group(0)!r}", id_=node.get("id"))


def _track(el: ET.Element, errors: list[JSON], ids: set[str], duration: float | None) -> JSON | None:
    tid, kind = el.get("id"), el.get("type")
    if not tid:
        _error(errors, "track", "is required", attribute="id")
    elif tid in ids:
        _error(errors, "track", "is not unique", attribute="id", id_=tid)
    ids.add(tid or "")
    if kind not in TRACK_TYPES:
        _error(errors, "track", f"must be one of {', '.join(TRACK_TYPES)}", attribute="type", id_=tid)
        return None
    tt = int(el.get("data-tt", TT[kind])) if (el.get("data-tt") or "").isdigit() else TT[kind]
    extra: list[str] = []
    clips: list[JSON] = []
    for child in el:
        if child.tag == "clip":
            seg = _clip(child, kind, errors, ids, duration)
            if seg is not None:
                clips.append(seg)
        elif child.tag in KEPT:
            _script(child, errors)
            extra.append(_raw(child))
        else:
            _error(errors, child.tag, "is not allowed in a <track> (clip, styles, data, render, component)",
                   id_=child.get("id"))  # fmt: skip
    spans = sorted((c["st"], c["st"] + c["d"], c["m"]["v3"]["id"]) for c in clips)
    for (_, end, a), (start, _, b) in itertools.pairwise(spans):
        if start < end:
            _error(errors, "clip", f"overlaps clip {a!r} on track {tid!r}; put simultaneous layers on separate "
                                   "tracks", attribute="in", id_=b)  # fmt: skip
    v3 = {"id": tid, "type": kind, "attrs": _extra(el, {"id", "type", "data-tt"}), "extra": extra}
    return {"tt": tt, "m": {"name": kind.capitalize(), "v3": v3}, "sg": clips}


def _clip(el: ET.Element, kind: str, errors: list[JSON], ids: set[str], duration: float | None) -> JSON | None:
    cid = el.get("id")
    if not cid:
        _error(errors, "clip", "is required", attribute="id")
    elif cid in ids:
        _error(errors, "clip", "is not unique", attribute="id", id_=cid)
    ids.add(cid or "")
    start = _number(errors, el, "in", required=True)
    end = _number(errors, el, "out", required=True)
    so = _number(errors, el, "source-start", required=False)
    se = _number(errors, el, "source-end", required=False)
    if start is not None and end is not None and end <= start:
        _error(errors, "clip", "must be greater than in", attribute="out", id_=cid)
        return None
    if end is not None and duration is not None and end > duration:
        _error(errors, "clip", f"{end:g} is past the draft's duration {duration:g}", attribute="out", id_=cid)
    if so is not None and se is not None and se <= so:
        _error(errors, "clip", "must be greater than source-start", attribute="source-end", id_=cid)
    if start is None or end is None:
        return None
    seg: JSON = {"st": int(start), "d": int(end - start), "so": int(so or 0)}
    v3: JSON = {"id": cid, "attrs": _extra(el, {"id", "in", "out", "source-start", "source-end", "data-title"}),
                "extra": [], "media": None, "media_attrs": {}}  # fmt: skip
    if se is not None:
        v3["source_end"] = int(se)
    meta: JSON = {"name": cid, "v3": v3}
    if el.get("data-title") == "true":
        meta["title"] = True
    for child in el:
        if child.tag in MEDIA and v3["media"] is None:
            src = child.get("src")
            if not src:
                _error(errors, child.tag, "is required", attribute="src", id_=cid)
                continue
            if not re.match(r"^(asset://|https?://)", src):
                _error(errors, child.tag, "must be a URL a NemoVideo tool returned (asset:// or https://)",
                       attribute="src", id_=cid)  # fmt: skip
            seg["src"] = src
            if child.get("volume") is not None:
                vol = _number(errors, child, "volume", required=False, limit=1)
                if vol is not None:
                    seg["v"] = vol
            for key, attr in (("fi", "fade-in"), ("fo", "fade-out")):
                if (value := _number(errors, child, attr, required=False)) is not None:
                    seg[key] = int(value)
            v3["media"] = child.tag
            v3["media_attrs"] = _extra(child, {"src", "volume", "fade-in", "fade-out"})
        elif child.tag in TEXT_TAGS and kind in ("text", "graphics") and "tx" not in seg:
            seg["tx"] = "".join(child.itertext())
            sty = _style(child.get("style"))
            if child.get("data-pos"):
                sty["pos"] = child.get("data-pos")
            if sty:
                seg["sty"] = sty
            v3["text_tag"] = child.tag
            v3["text_attrs"] = dict(child.attrib)
        else:
            _script(child, errors)
            v3["extra"].append(_raw(child))
    seg["m"] = meta
    return seg


def _transitions(el: ET.Element, errors: list[JSON]) -> None:
    for child in el:
        if child.tag != "transition":
            _error(errors, child.tag, "only <transition> may be inside <transitions>")
            continue
        for name in ("type", "from-clip", "to-clip"):
            if not child.get(name):
                _error(errors, "transition", "is required", attribute=name)
        _number(errors, child, "in", required=True)
        _number(errors, child, "duration", required=True, positive=True)


# -- writing --------------------------------------------------------------------------------------------------------


def asset_url(src: str) -> str:
    """An upload's served URL as the `asset://` URL the MCP surface speaks (others unchanged)."""
    parts = urlsplit(src).path.split("/")
    if src.startswith("http") and len(parts) >= 5 and parts[1:3] == ["cdn", "uploads"]:
        return f"asset://media/{parts[3]}/{unquote(parts[4])}"
    return src


def _attrs(values: dict[str, Any]) -> str:
    return "".join(f" {k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


def _num(value: Any) -> str:
    return f"{float(value):g}" if isinstance(value, int | float) else str(value)


def write(draft: JSON | None) -> str:
    """The V3 template of a draft, whoever made it."""
    data = obj(draft)
    meta = obj(data.get("m"))
    kept = obj(meta.get("v3"))
    duration = int(data.get("d") or max((s.get("st", 0) + s.get("d", 0) for _, s in segments(data)), default=1000))
    root = {"fps": meta.get("fps", 30), "width": meta.get("width", 1920), "height": meta.get("height", 1080),
            "duration": max(1, duration), **obj(kept.get("attrs"))}  # fmt: skip
    lines = [f"<draft{_attrs(root)}>"]
    lines += [f"  {x}" for x in kept.get("before") or []]
    used: set[str] = set()
    for n, track in enumerate(t for t in data.get("t") or [] if isinstance(t, dict)):
        lines += _write_track(track, n, used)
    lines += [f"  {x}" for x in kept.get("after") or []]
    lines.append("</draft>")
    return "\n".join(lines) + "\n"


def _unique(wanted: Any, fallback: str, used: set[str]) -> str:
    name = str(wanted) if wanted else fallback
    while name in used:
        name += "-b"
    used.add(name)
    return name


def _write_track(track: JSON, n: int, used: set[str]) -> list[str]:
    tt = track.get("tt")
    kept = obj(obj(track.get("m")).get("v3"))
    kind = kept.get("type") or TYPE_OF.get(tt if isinstance(tt, int) else -1, "graphics")
    attrs: dict[str, Any] = {"id": _unique(kept.get("id"), f"track-{n + 1}", used), "type": kind}
    if TT.get(kind) != tt:
        attrs["data-tt"] = tt
    attrs.update(obj(kept.get("attrs")))
    lines = [f"  <track{_attrs(attrs)}>"]
    lines += [f"    {x}" for x in kept.get("extra") or []]
    for k, seg in enumerate(s for s in track.get("sg") or [] if isinstance(s, dict)):
        lines += _write_clip(seg, kind, f"{attrs['id']}-clip-{k + 1}", used)
    lines.append("  </track>")
    return lines


def _write_clip(seg: JSON, kind: str, fallback: str, used: set[str]) -> list[str]:
    meta = obj(seg.get("m"))
    kept = obj(meta.get("v3"))
    start, length = int(seg.get("st") or 0), int(seg.get("d") or 1)
    attrs: dict[str, Any] = {"id": _unique(kept.get("id"), fallback, used), "in": start, "out": start + length}
    if seg.get("so"):
        attrs["source-start"] = int(seg["so"])
        attrs["source-end"] = int(kept.get("source_end") or seg["so"] + length)
    elif kept.get("source_end"):
        attrs["source-start"], attrs["source-end"] = 0, int(kept["source_end"])
    if meta.get("title"):
        attrs["data-title"] = "true"
    attrs.update(obj(kept.get("attrs")))
    inner: list[str] = []
    if isinstance(seg.get("src"), str):
        tag = kept.get("media") or ("audio" if kind in ("audio", "voice", "bgm", "sfx") else "video")
        media = {"src": asset_url(seg["src"]), "volume": _num(seg["v"]) if "v" in seg else None,
                 "fade-in": seg.get("fi") or None, "fade-out": seg.get("fo") or None,
                 **obj(kept.get("media_attrs"))}  # fmt: skip
        inner.append(f"<{tag}{_attrs(media)} />")
    if "tx" in seg:
        sty = obj(seg.get("sty"))
        text_attrs = dict(obj(kept.get("text_attrs")))
        if not text_attrs:
            css = [f"color: {sty['color']}" if sty.get("color") else "",
                   f"font-size: {sty['size']}px" if sty.get("size") else ""]  # fmt: skip
            text_attrs = {"style": "; ".join(c for c in css if c) or None, "data-pos": sty.get("pos")}
        tag = kept.get("text_tag") or "div"
        inner.append(f"<{tag}{_attrs(text_attrs)}>{escape(str(seg['tx']))}</{tag}>")
    inner += kept.get("extra") or []
    return [f"    <clip{_attrs(attrs)}>", *[f"      {x}" for x in inner], "    </clip>"]
