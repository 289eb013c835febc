"""Answers to questions about the draft (how long it is, what music plays and how loud, what the title says, how
many tracks, the aspect ratio), read from the draft itself, in the user's language. They change nothing and cost
nothing.
"""

from __future__ import annotations

from nemo_emulator.agent import replies as r
from nemo_emulator.agent import tools
from nemo_protocol import draft as drafts
from nemo_protocol.draft import AUDIO, TEXT, VIDEO
from nemo_protocol.wire import JSON

_T: dict[str, tuple[str, str]] = {
    "duration": ("Your video is {seconds} seconds long.", "视频时长 {seconds} 秒。"),
    "music": ("The background music is {label}, at {volume}% volume, from {start}s to {end}s.",
              "背景音乐是{label}，音量 {volume}%，从 {start} 秒到 {end} 秒。"),
    "volume": ("The background music ({label}) is at {volume}% volume.", "背景音乐（{label}）的音量是 {volume}%。"),
    "no_music": ("There's no background music yet — ask me to add some, for example lo-fi or jazz.",
                 "还没有背景音乐——可以让我加一段，比如低保真或爵士。"),
    "title": ('The title says "{text}" ({start}-{end}s, {pos}).', "标题是“{text}”（{start}-{end} 秒，{pos}）。"),
    "texts": ("The text on your video: {texts}.", "视频上的文字：{texts}。"),
    "no_title": ('There\'s no title yet. Tell me what it should say, for example "title \'Summer\' 0-3s".',
                 "还没有标题。告诉我要写什么，例如“标题‘夏天’ 0-3秒”。"),
    "ratio": ("The canvas is {ratio} ({width}×{height}).", "画面比例是 {ratio}（{width}×{height}）。"),
    "open": (" Open the Timeline panel to see it.", " 打开时间线面板查看。"),
}  # fmt: skip


def _say(lang: str, key: str, **values: object) -> str:
    en, zh = _T[key]
    return (zh if lang == "zh" else en).format(**values)


def answer(lang: str, topic: str, state: JSON) -> str:
    """The answer to a question about `topic` (duration, volume, music, title, tracks, ratio)."""
    draft = state.get("draft") or {}
    if not drafts.lines(draft):
        return r.say(lang, "empty_timeline")
    if topic == "duration":
        length = drafts.video_length_ms(draft) if drafts.has(draft, VIDEO) else drafts.duration_ms(draft)
        return _say(lang, "duration", seconds=r.seconds(length)) + _say(lang, "open")
    if topic in ("music", "volume"):
        bgm = next((s for _, s in drafts.segments(draft, AUDIO)), None)
        if bgm is None:
            return _say(lang, "no_music")
        meta = bgm.get("m") or {}
        name = str(meta.get("name") or tools.label(str(meta.get("mood") or "music")))
        values = {"label": name, "volume": round(drafts.volume(bgm) * 100), "start": r.seconds(drafts.start_ms(bgm)),
                  "end": r.seconds(drafts.end_ms(bgm))}  # fmt: skip
        return _say(lang, topic, **values)
    if topic == "title":
        texts = [s for _, s in drafts.segments(draft, TEXT)]
        title = next((s for s in texts if drafts.is_title(s)), None)
        if title is None and not texts:
            return _say(lang, "no_title")
        if title is None:
            quoted = ", ".join(f'"{s.get("tx")}"' if lang != "zh" else f"“{s.get('tx')}”" for s in texts)
            return _say(lang, "texts", texts=quoted)
        pos = r.position(lang, str((title.get("sty") or {}).get("pos") or "top-center"))
        return _say(lang, "title", text=title.get("tx"), start=r.seconds(drafts.start_ms(title)),
                    end=r.seconds(drafts.end_ms(title)), pos=pos)  # fmt: skip
    if topic == "ratio":
        meta = draft.get("m") or {}
        canvas = state.get("canvas_config") or {}
        width, height = int(meta.get("width") or canvas.get("width") or 1920), int(
            meta.get("height") or canvas.get("height") or 1080)  # fmt: skip
        ratio = canvas.get("ratio") or next((k for k, (w, h) in drafts.RATIOS.items() if w * height == h * width),
                                            f"{width}:{height}")  # fmt: skip
        return _say(lang, "ratio", ratio=ratio, width=width, height=height)
    return r.say(lang, "describe", summary=r.summary(lang, draft))
