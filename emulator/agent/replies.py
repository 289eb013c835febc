"""Everything the agent says, in English and Chinese, phrased for someone looking at a GUI (protocol §7.2): click /
点击, open / 打开, drag / 拖拽, Export / 导出. `say(lang, key, **values)` picks the language's template.
"""

from __future__ import annotations

from collections.abc import Iterator

from nemo_protocol import draft as drafts

_T: dict[str, tuple[str, str]] = {
    "help": (
        "I can generate a video from a description or your upload, add background music in any style (lo-fi, jazz, "
        "orchestral, hip hop…), add titles and text, trim, fade, set the music volume, or change the aspect ratio. "
        'Click the Upload button to add files, then tell me what you\'d like — for example "add lo-fi music at 35%" '
        "or \"title 'Urban Dreams' 0-3s\".",
        "我可以根据描述或你上传的视频生成成片，添加各种风格的背景音乐（低保真、爵士、管弦乐、嘻哈……），加标题和文字，"
        "剪辑时长、淡入淡出、调整音量或画面比例。点击「上传」按钮添加素材，然后告诉我你想要什么，例如“加一段轻松的背景音乐”"
        "或“标题‘城市之梦’ 0-3秒”。",
    ),
    "greeting": ("Hi! {help}", "你好！{help}"),
    "thanks": (
        "You're welcome! Open the Timeline panel to review your video, or click Export when you're happy with it.",
        "不客气！打开时间线面板查看视频，满意的话点击「导出」按钮保存。",
    ),
    "empty_timeline": (
        "Your timeline is empty. Click Upload to add a video or ask me to generate one, then open the Timeline panel.",
        "时间线还是空的。点击「上传」添加视频，或者让我生成一个，然后打开时间线面板查看。",
    ),
    "describe": ("{summary} Open the Timeline panel to see it.", "{summary} 打开时间线面板查看。"),
    "export": (
        "Your video is ready to export! Click the Export button in the top-right corner to save it.",
        "视频可以导出了！点击右上角的「导出」按钮保存。",
    ),
    "nothing_to_export": (
        "There's nothing to export yet. Click Upload to add a video or ask me to generate one first.",
        "还没有可以导出的内容。先点击「上传」添加视频，或者让我生成一个。",
    ),
    "out_of_scope": (
        "Sorry, I can only help with your video — music, titles, trims and exports.",
        "抱歉，我只能帮你处理视频——音乐、标题、剪辑和导出。",
    ),
    "song": (
        '"{name}" is a copyrighted song, so I can\'t put it in your video. I can generate original {style} music in '
        "a similar style instead. Want me to add that?",
        "“{name}”是受版权保护的歌曲，不能用在你的视频里。我可以为你生成一段类似风格的原创{style}音乐，要加上吗？",
    ),
    "song_from": (
        "I can't bring in music from {name}, since its songs are copyrighted. I can generate original {style} music "
        "for your video instead. Want me to add that?",
        "不能使用{name}上的音乐，那些歌曲受版权保护。我可以为你的视频生成一段原创{style}音乐，要加上吗？",
    ),
    "unsupported_language": (
        "Sorry, I can only reply in English or Chinese (中文). Please write your request in one of them.",
        "Sorry, I can only reply in English or Chinese (中文). Please write your request in one of them.",
    ),
    "ambiguous": (
        "Happy to help! What would you like me to change — add background music, add a title, trim the video, or "
        "change the aspect ratio?",
        "好的！你想改哪里——加背景音乐、加标题、剪辑时长，还是调整画面比例？",
    ),
    "which_video": (
        "You have {count} videos: {names}. Which one should I use?",
        "你上传了 {count} 个视频：{names}。要用哪一个？",
    ),
    "one_video": (
        'You have one video, "{name}", so there\'s no other clip to pick. Tell me what to change in it.',
        "你只有一个视频“{name}”，没有别的片段可选。告诉我要怎么修改它。",
    ),
    "no_such_video": (
        'I can\'t find a video called "{name}". Your uploads are: {names}.',
        "找不到名为“{name}”的视频。你上传的是：{names}。",
    ),
    "music_needs_video": (
        "There's no video yet. Will you upload one for the music (click Upload), or should I generate one?",
        "还没有视频。你要上传一个视频来配音乐（点击「上传」），还是让我生成一个？",
    ),
    "title_needs_video": (
        "There's no video yet. Will you upload one for the title (click Upload), or should I generate one?",
        "还没有视频。你要上传一个视频来加标题（点击「上传」），还是让我生成一个？",
    ),
    "which_music": (
        "There's no background music yet. What style would you like — for example lo-fi, jazz or orchestral?",
        "还没有背景音乐。你想要什么风格——比如低保真、爵士还是管弦乐？",
    ),
    "which_instead": (
        "What style should the music be instead — for example lo-fi, jazz or orchestral?",
        "音乐换成什么风格——比如低保真、爵士还是管弦乐？",
    ),
    "what_title": ("What should the title say?", "标题要写什么？"),
    "no_music": (
        "There's no background music on your timeline yet, so there's nothing to {action}. Ask me to add some first.",
        "时间线上还没有背景音乐，没有可以{action}的。先让我添加一段吧。",
    ),
    "nothing_to_remove": (
        "There's no {what} on your timeline, so there's nothing to remove.",
        "时间线上没有{what}，不需要删除。",
    ),
    "no_video": (
        "There's no video on the timeline to {action} yet. Click Upload to add one first.",
        "时间线上还没有可以{action}的视频。先点击「上传」添加一个。",
    ),
    "too_short": (
        "Your video is only {length}s long, so I can't make it {wanted}s. I can trim it shorter, or you can upload a "
        "longer clip.",
        "你的视频只有 {length} 秒，无法变成 {wanted} 秒。我可以把它剪短，或者你可以上传更长的素材。",
    ),
    "keeps_all": (
        "Your video is {length}s long, so keeping {start}-{end}s keeps all of it: there's nothing to trim.",
        "你的视频只有 {length} 秒，保留 {start}-{end} 秒就是整段视频，不用剪。",
    ),
    "leaves_nothing": (
        "Your video is only {length}s long, so that trim would leave nothing of it. Tell me a shorter cut.",
        "你的视频只有 {length} 秒，这样剪就什么都不剩了。请剪短一些。",
    ),
    "past_end": (
        "Your video is only {length}s long, so there's nothing at {at}s to trim. Tell me a time within the video.",
        "你的视频只有 {length} 秒，{at} 秒处没有内容可剪。请说一个视频范围内的时间。",
    ),
    "text_past_end": (
        "Your video is only {length}s long, so a {what} can't start at {at}s. Tell me a time within the video.",
        "你的视频只有 {length} 秒，{what}不能从 {at} 秒开始。请说一个视频范围内的时间。",
    ),
    "temp_issue": (
        "I encountered a temporary issue. Please try again later.",
        "我遇到了一个临时问题，请稍后再试。",
    ),
    "out_of_credits": (
        "You're out of credits, so I couldn't finish this. Check your account page: {hint}.",
        "你的积分用完了，这次操作没能完成。请查看账户页面：{hint}。",
    ),
    "which_style": ("Which style would you like: {options}?", "你想要哪种风格：{options}？"),
    "generate_limit": (
        "I can generate up to 15 seconds of video at a time, not {asked}s. Should I make it 15 seconds instead?",
        "我每次最多能生成 15 秒的视频，生成不了 {asked} 秒。要改成生成 15 秒吗？",
    ),
    "no_music_style": (
        "There's no background music yet. Should I add {label} music?",
        "还没有背景音乐。要我加一段{label}音乐吗？",
    ),
    "look_or_music": (
        "I can't change how the picture looks, but I can switch the background music to {label}. Should I?",
        "我改不了画面的风格，但可以把背景音乐换成{label}风格。要换吗？",
    ),
    "when_music": (
        "When should the music play — the first half, the second half, or a time like 0:05 to 0:12?",
        "音乐在什么时候播放——前半段、后半段，还是像 0:05 到 0:12 这样的时间？",
    ),
    "how_long_video": (
        "The video is {length}s now. How long should it be — for example \"trim it to 10 seconds\" or \"cut the "
        "first 3 seconds\"?",
        "视频现在是{length}秒，要剪到多长——比如“剪到10秒”或“剪掉前3秒”？",
    ),
    "how_long_music": (
        "How long should the music play {where} — for example the last 5 seconds?",
        "音乐在{where}播放多长时间——比如最后5秒？",
    ),
    "middle_cut": (
        "I can trim the start or the end of the video, but not cut {a}-{b}s out of the middle. Should I keep 0-{a}s "
        "or {b}-{end}s instead?",
        "我可以剪掉视频的开头或结尾，但不能删掉中间的 {a}-{b} 秒。要改为保留 0-{a} 秒，还是 {b}-{end} 秒？",
    ),
    "which_part": (
        'I can\'t tell where the {what} is in your video. Which seconds should I cut — for example "cut the first 3 '
        'seconds"?',
        "我看不出视频里的{what}在哪里。要剪掉哪几秒——比如“剪掉前3秒”？",
    ),
    "cut_at": (
        "Should the video end at {a}s (keeping 0-{a}s) or start there (keeping {a}-{end}s)?",
        "视频要在第 {a} 秒结束（保留 0-{a} 秒），还是从第 {a} 秒开始（保留 {a}-{end} 秒）？",
    ),
    "volume_scale": (
        "Volume here is a percentage: should the music be at {n}% or {tens}%?",
        "这里的音量是百分比：音乐要设为 {n}% 还是 {tens}%？",
    ),
    "where_title": (
        "Where should the title go — top, center or bottom, or a time like 2-5s?",
        "标题要放在哪里——顶部、中间还是底部，或者像 2-5 秒这样的时间？",
    ),
    "cannot": (
        'I can\'t do "{what}" yet. I can add background music, titles and text, trim, fade, set the music volume or '
        "change the aspect ratio — which would you like?",
        "我暂时还做不到“{what}”。我可以加背景音乐、标题和文字，剪辑时长、淡入淡出、调音量或改画面比例——你想要哪一个？",
    ),
    "unclear": (
        'I\'m not sure what you mean by "{what}". Could you say it another way — for example "add jazz at 30%" or '
        '"move the title to the bottom"?',
        "我不太明白“{what}”是什么意思。能换个说法吗——比如“加一段爵士乐，音量30%”或“把标题移到底部”？",
    ),
    "what_video": (
        "I can generate a new clip from a description (to edit the video you have, tell me what to change in it). "
        "What should the new clip show — for example \"waves at sunset\"?",
        "我可以按描述生成一段新视频（想修改现有视频的话，告诉我要改哪里）。新视频要展示什么——比如“日落时的海浪”？",
    ),
    "nothing_to_move": (
        "There's no {what} on your timeline to change. Ask me to add one first.",
        "时间线上没有可以修改的{what}。先让我加一个吧。",
    ),
    "text_already": (
        "The {what} is already at {where}, so there's nothing to move.",
        "{what}已经在{where}了，不用移动。",
    ),
    "style_already": (
        "The {what} is already {changes}, so there's nothing to change.",
        "{what}已经是{changes}了，不用修改。",
    ),
    "text_same": (
        'The {what} already says "{text}", so there\'s nothing to change.',
        "{what}已经是“{text}”了，不用修改。",
    ),
    "text_moved": ("Moved the {what} to {where}.", "{what}已移到{where}。"),
    "text_retexted": ('The {what} now says "{text}".', "{what}已改为“{text}”。"),
    "kept_only": ("Removed everything but the {what}.", "已删除{what}以外的所有内容。"),
    "removed_all": ("Removed every track.", "已删除所有轨道。"),
    # -- edits ------------------------------------------------------------------------------------------------
    "intro": ("Sure! {what}", "好的！{what}"),
    "updating": ("Updating your timeline.", "马上更新时间线。"),
    "intro_generate": (
        "Sure! I'll generate a {seconds}-second video: {prompt}. This may take a few minutes.",
        "好的！我来生成一段 {seconds} 秒的视频：{prompt}。大约需要几分钟。",
    ),
    "raw_ready": (
        "Your raw video is ready! Preview it in the Timeline panel. Adding music and a title now…",
        "原始视频已生成！在时间线面板中预览。现在添加音乐和标题……",
    ),
    "generated": (
        'Done! I added {music} and the title "{title}". Preview it in the Timeline panel, then click Export to save '
        "your video.",
        "完成！我添加了{music}和标题“{title}”。在时间线面板中预览，然后点击「导出」保存视频。",
    ),
    "placed": ('Your clip "{name}" is on the timeline.', "视频“{name}”已放到时间线上。"),
    "music_added": (
        "Background music added: {label}, at {volume}% volume{where}{fades}.",
        "已添加背景音乐：{label}，音量 {volume}%{where}{fades}。",
    ),
    "music_changed": (
        "Switched the background music to {label}, at {volume}% volume{where}{fades}.",
        "背景音乐已换成{label}，音量 {volume}%{where}{fades}。",
    ),
    "volume_set": ("The background music is now at {volume}% volume.", "背景音乐音量已设为 {volume}%。"),
    "fades_set": ("The background music now has {fades}.", "背景音乐已设置{fades}。"),
    "span_set": ("The background music now plays {where}.", "背景音乐现在{where}播放。"),
    "title_added": (
        '{what} added: "{text}" ({color}, {pos}, {start}-{end}s, fade-in).',
        "已添加{what}：“{text}”（{color}，{pos}，{start}-{end}秒，淡入）。",
    ),
    "title_styled": ("Updated the title: {changes}.", "标题已更新：{changes}。"),
    "trimmed": (
        "Trimmed the video to {start}-{end}s ({length}s); what plays over it was trimmed with it.",
        "已将视频剪辑为 {start}-{end} 秒（共 {length} 秒），上面的音乐和文字也一起剪辑。",
    ),
    "removed": ("Removed the {what}.", "已删除{what}。"),
    "removed_track": ("Removed track {number} ({name}).", "已删除第 {number} 条轨道（{name}）。"),
    "ratio_set": (
        "Canvas changed to {ratio}; footage is reframed to fit (for a true {ratio} shot, ask me to regenerate).",
        "画面比例已改为 {ratio}，素材会自动裁切适配（如需原生 {ratio} 画面，可以让我重新生成）。",
    ),
    "fades_already": (
        "The background music already has {fades}, so there's nothing to change.",
        "背景音乐已经是{fades}了，不用修改。",
    ),
    "span_already": (
        "The background music already plays {where}, so there's nothing to change.",
        "背景音乐已经在{where}播放了，不用修改。",
    ),
    "volume_already": (
        "The background music is already at {volume}% volume, so there's nothing to change.",
        "背景音乐的音量已经是{volume}%了，不用修改。",
    ),
    "ratio_already": (
        "Your video is already {ratio}, so there's nothing to change.",
        "视频已经是 {ratio} 了，不需要修改。",
    ),
    "outro_edit": (
        "Open the Timeline panel to review it — drag the clips to adjust — or click Export to save your video.",
        "打开时间线面板查看，可以拖拽片段调整，满意后点击「导出」保存视频。",
    ),
}

WHAT: dict[str, tuple[str, str]] = {
    "music": ("background music", "背景音乐"),
    "title": ("title", "标题"),
    "text": ("text", "文字"),
    "caption": ("caption", "字幕"),
    "video": ("video track", "视频轨道"),
    "fade": ("fade", "淡入淡出"),
    "make quieter": ("make quieter", "调小"),
    "adjust": ("adjust", "调整"),
    "trim": ("trim", "剪辑"),
    "track": ("track", "轨道"),
}
POSITIONS = {
    "top-center": ("top-center", "顶部居中"),
    "bottom-center": ("bottom-center", "底部居中"),
    "center": ("center", "居中"),
    "top-left": ("top-left", "左上"),
    "top-right": ("top-right", "右上"),
    "bottom-left": ("bottom-left", "左下"),
    "bottom-right": ("bottom-right", "右下"),
}
_TRACKS_ZH = {"Video": "视频", "BGM": "背景音乐", "Title": "标题", "Text": "文字", "Timeline": "时间线"}


def chunks(text: str, sizes: Iterator[int]) -> list[str]:
    """`text` cut at word boundaries into pieces of `next(sizes)` words each; joined, they are `text` again."""
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        n = max(1, int(next(sizes)))
        piece = " ".join(words[i : i + n])
        i += n
        out.append(piece + (" " if i < len(words) else ""))
    return out


_CHOICES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "ambiguous": (
        ("music", "Add background music", "添加背景音乐", "add background music"),
        ("title", "Add a title", "添加标题", "add a title"),
        ("trim", "Trim the video", "剪辑时长", "trim the video to 5 seconds"),
        ("ratio", "Change the aspect ratio", "调整画面比例", "make it vertical 9:16"),
    ),
    "what_video": (
        ("sunset", "Waves at sunset", "日落时的海浪", "generate a 10-second video of waves at sunset"),
        ("city", "A city at night", "夜晚的城市", "generate a 10-second video of a city at night"),
    ),
    "music_needs_video": (
        ("generate", "Generate a video for me", "帮我生成一个视频", "generate a 10-second video"),
        ("upload", "I'll upload one", "我来上传", ""),
    ),
    "title_needs_video": (
        ("generate", "Generate a video for me", "帮我生成一个视频", "generate a 10-second video"),
        ("upload", "I'll upload one", "我来上传", ""),
    ),
    "which_music": (
        ("lo-fi", "Lo-fi", "低保真", "add lo-fi music"),
        ("jazz", "Jazz", "爵士", "add jazz music"),
        ("orchestral", "Orchestral", "管弦乐", "add orchestral music"),
    ),
    "when_music": (
        ("first_half", "The first half", "前半段", "music for the first half"),
        ("second_half", "The second half", "后半段", "music for the second half"),
        ("whole", "The whole video", "整个视频", "play the music from 0:00"),
    ),
    "how_long_video": (
        ("half", "Half as long", "剪成一半", "cut it in half"),
        ("first3", "Without the first 3 seconds", "去掉前3秒", "cut the first 3 seconds"),
    ),
    "which_part": (
        ("first3", "The first 3 seconds", "前3秒", "cut the first 3 seconds"),
        ("first5", "The first 5 seconds", "前5秒", "cut the first 5 seconds"),
    ),
    "how_long_music": (
        ("last5", "The last 5 seconds", "最后5秒", "music for the last 5 seconds"),
        ("last10", "The last 10 seconds", "最后10秒", "music for the last 10 seconds"),
    ),
    "where_title": (
        ("top", "Top", "顶部", "move the title to the top"),
        ("center", "Center", "中间", "move the title to the center"),
        ("bottom", "Bottom", "底部", "move the title to the bottom"),
    ),
}
_CHOICES["cannot"] = _CHOICES["unclear"] = _CHOICES["ambiguous"]
_CHOICES["which_instead"] = _CHOICES["which_music"]
"""The options a question offers: (id, English label, Chinese label, the message that picking it stands for; empty:
picking it asks for nothing more)."""
PROMPTS = {
    "ambiguous": ("What should I change?", "要改哪里？"),
    "music_needs_video": ("There's no video yet", "还没有视频"),
    "title_needs_video": ("There's no video yet", "还没有视频"),
    "which_music": ("Which music style?", "什么音乐风格？"),
    "which_instead": ("Which music style?", "什么音乐风格？"),
    "which_video": ("Which video?", "用哪个视频？"),
    "what_title": ("What should the title say?", "标题写什么？"),
    "which_style": ("Which style?", "哪种风格？"),
    "no_music_style": ("Add music?", "加音乐吗？"),
    "generate_limit": ("Generate 15 seconds?", "生成 15 秒吗？"),
    "look_or_music": ("Switch the music?", "换音乐吗？"),
    "when_music": ("When should the music play?", "音乐什么时候播放？"),
    "how_long_video": ("How long should it be?", "剪到多长？"),
    "how_long_music": ("How long?", "多长时间？"),
    "where_title": ("Where should the title go?", "标题放在哪里？"),
    "middle_cut": ("Which part should go?", "剪掉哪一段？"),
    "cut_at": ("Which part should stay?", "保留哪一段？"),
    "which_part": ("Which seconds?", "剪掉哪几秒？"),
    "volume_scale": ("Which volume?", "音量多少？"),
    "cannot": ("What should I do instead?", "换成做什么？"),
    "what_video": ("What should the video show?", "视频展示什么？"),
    "unclear": ("What should I change?", "要改哪里？"),
}


def choices(lang: str, key: str, names: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(id, label, message) of each option a question offers, in the reply's language; `names` are the videos of
    which_video, the styles of which_style, no_music_style and look_or_music, the seconds of middle_cut and cut_at,
    the levels of volume_scale, the description of generate_limit."""
    if key == "which_video":
        return [(f"video{i + 1}", name, f"use {name}") for i, name in enumerate(names or [])]
    if key == "volume_scale" and names:  # the level said, and ten times it
        return [(f"v{n}", f"{n}%", f"set the music volume to {n}%") for n in names]
    if key in ("middle_cut", "cut_at") and names:  # the cut's start and end, and the clip's end (seconds)
        a, b, end = names
        keep = "保留" if lang == "zh" else "Keep "
        return [("before", f"{keep}0-{a}s", f"trim to 0-{a} seconds"), ("after", f"{keep}{b}-{end}s",
                                                                          f"trim to {b}-{end} seconds")]
    if key == "generate_limit" and names:  # the description to generate
        yes, no = ("生成 15 秒", "不用了") if lang == "zh" else ("Make a 15-second clip", "No thanks")
        return [("yes", yes, f"generate a 15-second video of {names[0]}"), ("no", no, "")]
    if key in ("which_style", "no_music_style", "look_or_music"):
        from nemo_emulator.agent.tools import label

        offered = [(style, label(style), f"add {style} music") for style in names or []]
        if key != "which_style":
            offered.append(("no", "不用了" if lang == "zh" else "No thanks", ""))
        return offered
    return [(cid, zh if lang == "zh" else en, message) for cid, en, zh, message in _CHOICES.get(key, ())]


def prompt(lang: str, key: str) -> str:
    en, zh = PROMPTS.get(key, ("A question", "一个问题"))
    return zh if lang == "zh" else en


def say(lang: str, key: str, **values: object) -> str:
    """The reply `key` in `lang` (`zh`, else English), filled in."""
    en, zh = _T[key]
    if isinstance(what := values.get("what"), str) and '"{what}"' in en:  # the user's words, quoted
        values["what"] = what.replace('"', "'").rstrip(".!?。！？,，;； ")  # the reply's sentence goes on after them
    return (zh if lang == "zh" else en).format(**values)


def word(lang: str, key: str) -> str:
    en, zh = WHAT.get(key, (key, key))
    return zh if lang == "zh" else en


def position(lang: str, pos: str) -> str:
    en, zh = POSITIONS.get(pos, (pos, pos))
    return zh if lang == "zh" else en


def seconds(ms: float) -> str:
    return f"{round(ms / 1000, 2):g}"


def summary(lang: str, draft: object) -> str:
    """The timeline in one line ("Timeline (3 tracks): 1. Video: … 2. BGM: …"), in the reply's language."""
    text = drafts.summary(draft if isinstance(draft, dict) else None)
    if lang != "zh":
        return text
    for en, zh in _TRACKS_ZH.items():
        text = text.replace(f"{en}:", f"{zh}：").replace(f"{en} (", f"{zh}（")
    return text.replace("tracks)", "条轨道）").replace("track)", "条轨道）")
