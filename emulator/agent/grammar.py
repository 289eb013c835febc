"""The agent's words, as data: what names each thing on the timeline (music, titles, text, the video), the verbs
that say what to do with it, the phrases of the text-only answers (greetings, help, songs it may not use, what is
outside video editing), the forms of a question about the draft, and the word lists of the slot readers. The music
vocabulary is lexicon.py's; amounts (numbers, times, volumes, fades) are amounts.py's.

Messages are matched after normalisation (lower case, single spaces, full-width forms folded, number words as
digits, common typos fixed), so the patterns below are written in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nemo_emulator.agent import lexicon


def _words(*alternatives: str) -> str:
    """A regex alternation of phrases; ASCII phrases must stand as whole words, Chinese ones anywhere."""
    out = []
    for a in sorted(alternatives, key=len, reverse=True):
        esc = re.escape(a).replace(r"\ ", r"\s+")
        out.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if a.isascii() else esc)
    return "(?:" + "|".join(out) + ")"


# -- vocabulary shared by several intents ------------------------------------------------------------------------

# fmt: off
MUSIC = "(?:" + _words(
    "music", "bgm", "soundtrack", "background track", "backing track", "score", "song", "tune", "beat", "beats",
    "melody", "audio track", "piece", "musique", "background sound", "background audio", "背景音乐", "背景音量",
    "背景声音", "背景音", "配乐", "音乐", "曲子", "歌曲", "伴奏", "旋律",
) + r"|背景(?=静音)|(?<!唱)歌(?![词手声])|(?<=换)一?首)"  # "背景静音": the background music, muted; "换一首": a song
TITLE = _words("title", "heading", "headline", "title card", "hook", "opening text", "标题", "片名", "大标题")
TITLE = TITLE.replace("标题", "(?<!副)标题")  # 副标题 is a subtitle: text under the title, not the title
TEXT = _words(
    "text", "texts", "caption", "captions", "subtitle", "subtitles", "overlay", "words", "lower third", "label", "文字",
    "字幕", "文本", "文案", "call to action", "call-to-action", "cta", "号召性用语", "号召语",
)
VIDEO = _words(
    "video", "clip", "footage", "timelapse", "time-lapse", "animation", "film", "movie", "reel", "vid", "recording",
    "this shot", "the shot", "视频", "短片", "影片", "片子", "画面", "素材",
)
ADD = _words(
    "add", "put", "give", "insert", "include", "throw in", "apply", "need", "want", "use", "with", "i'd like",
    "let's have", "加", "加上", "添加", "加入", "来一段", "来点", "配上", "要", "放",
)
GENERATE = _words(
    "generate", "create", "make", "produce", "render me", "build", "shoot", "生成", "制作", "做一个", "做个", "做一段",
    "创建", "来一个",
)
QUIET_WORDS = _words(
    "quiet", "quietly", "soft", "softly", "subtle", "low", "in the background", "background level", "gentle", "安静",
    "小声", "轻一点", "低一点",
)
# fmt: on

GENRE = _words(*(w for w, _, _ in lexicon._rows()))
"""Any style word (genre, instrument, mood, occasion)."""

# -- what to do: the answers, then the edits -----------------------------------------------------------------

SONG = (
    "(?:(?:"
    + _words("spotify", "youtu.be", "apple music", "soundcloud", "网易云", "qq音乐")
    + r"|\b(?:song|music|track|audio|tune)s?\s+(?:from|on|off)\s+youtube\b|\byoutube\s+(?:link|url|song|music|audio)"
    + r"|youtube\.com/)"
    + r"(?!\s*(?:shorts|video|format|channel|ratio|size|post))"
    + ")"
    + r"|(?:\buse|\bplay|\badd|\bput)\s+(?:the\s+)?(?:song\s+)?[\"“'‘]?[a-z][\w' ]{1,40}[\"”'’]?\s+by\s+[a-z]"
    + r"|\bsong\s+(?:called|named)\b|\bby\s+(?:the\s+weeknd|taylor\s+swift|ed\s+sheeran|drake|adele|beyonc[eé]"
    + r"|coldplay|queen|the\s+beatles|bts|billie\s+eilish|dua\s+lipa|bruno\s+mars|eminem|rihanna|justin\s+bieber)\b"
    + r"|blinding\s+lights|shape\s+of\s+you|bohemian\s+rhapsody|despacito|let\s+it\s+go|uptown\s+funk|bad\s+guy"
    + r"|《[^》]{1,30}》|周杰伦|邓紫棋|林俊杰|陈奕迅|的歌(?!曲)"
    + r"|\b(?:play|use|add|put)\s+(?:some\s+)?(?:the\s+weeknd|taylor\s+swift|ed\s+sheeran|drake|adele|beyonc[eé]"
    + r"|coldplay|the\s+beatles|bts|billie\s+eilish|dua\s+lipa|bruno\s+mars|eminem|rihanna|justin\s+bieber)\b"
)
# fmt: off
OUT_OF_SCOPE = _words(
    "flight", "flights", "hotel", "weather", "recipe", "stock", "stocks", "bitcoin", "essay", "homework", "translate",
    "translation", "email", "poem", "python code", "write code", "javascript", "math problem", "restaurant", "taxi",
    "uber", "news", "horoscope", "lottery", "book a", "order a pizza", "pizza", "机票", "酒店", "天气", "菜谱", "股票",
    "写代码", "翻译", "作业", "新闻", "外卖", "joke",
)
ROLE = _words(
    "system prompt", "your instructions", "your system instructions", "your previous instructions", "your guidelines",
    "your rules", "jailbreak", "private content", "someone else's", "another user's", "系统提示词", "提示词",
    "唱歌", "唱首歌", "唱个歌", "唱一首歌", "唱儿歌",
) + (r"|^\W*(?:can\s+you\s+|please\s+|could\s+you\s+)?sing\b"
       r"|\b(?:pretend|act|behave)\s+(?:you'?re|you\s+are|as|like)\s+(?:an?\s+)?(?:\w+\s+){0,2}?(?:ai|chatgpt|gpt|assistant|bot)\b")
"""Asks for what the agent is not (to sing, to leave its role, to show its instructions or someone else's work):
refused whatever else they say."""
GREETING = r"^\W*" + _words("hi", "hello", "hey", "hiya", "yo", "good morning", "good evening", "你好", "您好", "嗨",
                            "哈喽") + r"\W*(?:there|nemo)?\W*$"
HELP = _words("what can you do", "how does this work", "how does this app work", "how does the app work",
              "how does this tool work", "how do i use this", "how do i use you", "how do i use this app", "help",
              "help me", "what do you do", "capabilities",
              "what can i change", "what can i edit", "what parameters can i change", "what settings can i change",
              "what options do i have", "show help", "show me help", "what can i do", "what can i do here",
              "what commands", "commands", "list commands", "show commands", "help menu", "what are my options",
              "你能做什么", "帮助", "怎么用", "能干什么")
HELP = (r"^\W*(?:(?:hi|hello|hey|hiya|你好|您好|嗨)\W*(?:there\W*)?)?(?:so\s+)?(?:can you\s+)?" + HELP
        + r"\W*(?:for\s+me|here|exactly|then|please|again)?\W*(?:please)?\W*$"
        r"|^\W*(?:can|could|do)\s+you\s+(?:do|make|handle|create|edit|support)\s+(?:[\w-]+\s+){0,2}?(?:videos|clips|edits"
        r"|reels|shorts|slideshows|montages)\W*$|^\W*what\s+(?:tools|features|functions)\s+(?:do\s+you\s+have|are\s+there)\W*$")
DESCRIBE = (
    _words("show", "list", "describe", "what's", "whats", "what is", "display", "summarize", "summarise", "tell me",
           "看看", "显示", "查看", "列出", "现在")
    + ".{0,40}" + _words("track", "tracks", "timeline", "draft", "project", "轨道", "时间线", "草稿", "时间轴")
    + r"|^\W*(?:tracks|timeline|show tracks)\W*$"
)
EXPORT = (_words("export", "download", "render", "save", "导出", "下载", "保存", "渲染")
          + r"(?!.{0,30}\b(?:music|title|text)\b)"
          r"|\b(?:convert|turn|transform|save)\b.{0,30}\bmp4\b|\bcompatible\s+with\s+mp4\b|\bmp4\s+(?:format|file)\b")
"""Saving the video; an MP4 is what an export makes ("convert this video to MP4")."""
REMOVE = _words("remove", "delete", "drop", "get rid of", "take out", "take off", "pull out", "no more", "without",
                "omit", "cut out", "kill", "ditch", "scrap", "nix", "toss", "trash", "chuck", "turn off", "switch off",
                "shut off", "lose", "erase", "wipe", "strip", "删除", "去掉", "移除", "删掉", "不要", "拿掉",
                "取消", "去除", "清除", "清空", "删", "关掉", "关闭", "关了")
REMOVE += (r"|\bclear\s+(?:out\s+|away\s+|off\s+)?(?:the|all|every|everything|it|my|this|that|these|those|any"
           r"|music|bgm|audio|song|title|text|captions?|subtitles?|tracks?|timeline)\b")
"""Clearing is a removal when it names what goes ("clear the title"); "the words are not so clear" is no verb."""
REMOVE += r"|\btake\s+(?:the\s+|my\s+|that\s+|this\s+)?[\w\s-]{1,30}?\s+out\s+of\b|\bleave\s+out\b"
REMOVE += r"|\bskip\s+(?:over\s+|past\s+)?(?:the\s+)?(?:first|last|opening|intro|beginning|ending|end)\b"
REMOVE += r"|\b(?:turn|switch|shut)\s+(?:the\s+)?(?:music|bgm|song|soundtrack|title|captions?)\s+off\b"
REMOVE += (r"|^\W*(?:no|without)\s+(?:more\s+)?(?:the\s+)?(?:background\s+)?(?:music|bgm|title|text|captions?"
           r"|subtitles?|audio|song|soundtrack)\b(?:\s+(?:please|thanks|at\s+all))?\W*$")
GENERATE_VIDEO = (
    GENERATE + r"\s+(?:me\s+)?(?:a|an|one|new|some|another|\d+(?:\.\d+)?[- ]?(?:s|sec|second|seconds|minute)s?)\b"
    + ".{0,40}?" + VIDEO + "|" + GENERATE + ".{0,12}(?:视频|短片|动画)"
    + r"|^\W*(?:a|an)\s+(?:[\w-]+\s+){0,3}(?:video|clip|timelapse)\s+(?:of|about|showing)\b"
    + r"|\bturn\s+(?:my|the|this)\s+(?:upload|video|clip|footage)\s+into\b"
)
AMBIGUOUS = r"^\W*" + _words(
    "make it better", "make it nicer", "improve it", "improve this", "fix it", "change it", "do something",
    "make it pop", "make it cool", "make it good", "edit it", "enhance it", "spice it up", "make it awesome",
    "优化一下", "改一下", "弄好看点", "美化一下", "帮我改改", "处理一下",
) + r"\W*(?:please|请|吧)?\W*$"
TARGET = (
    _words("use", "edit", "switch to", "work on", "take", "now do", "go to", "next", "用", "换成", "编辑", "处理")
    + r".{0,20}(?:\b(?:first|second|third|fourth|last|other|1st|2nd|3rd|4th)\b|第[一二三四1234]"
    + r"|\b\w[\w\-]*\.(?:mp4|mov|avi|webm|mkv)\b|\bvideo\s*#?\d\b)"
)
TRIM = _words("trim", "cut", "split", "slice", "divide", "shorten", "shorter", "keep", "keep only", "only keep",
              "make it", "make the video",
              "cut down", "chop", "chop down", "shave", "pare down", "get it down", "get this down", "bring it down",
              "剪", "裁剪", "截取", "缩短", "剪辑", "只要", "只保留", "保留", "剪掉", "剪到", "砍掉")
TRIM += (r"|\b(?:duration|length)\s+(?:to|at|of|=)\s*\d"
         r"|\bonly\s+(?:the\s+)?(?:first|last)\b|前\s*\d+\s*秒|后\s*\d+\s*秒"
         r"|(?:改成|改为|变成|调成|缩到|缩短到|弄成)\s*\d+(?:\.\d+)?\s*秒")
RATIO = r"\b(?:16|9|1|4|3|21)\s*[:/x]\s*(?:9|16|1|5|4|3)\b|" + _words(
    "vertical", "portrait", "tiktok", "reels", "reel format", "shorts", "square", "landscape", "widescreen",
    "horizontal", "instagram story", "竖屏", "横屏", "方形", "正方形", "竖版", "横版", "抖音", "phone screen",
    "phone video", "for phones", "for a phone", "for mobile", "mobile format", "手机屏幕", "fit on a phone",
    "fit a phone", "youtube", "画幅", "画面比例", "宽高比",
) + r"|\b(?:optimize|optimise|format|prepare|get\s+(?:it|this)\s+ready)\s+(?:it\s+|this\s+|the\s+video\s+)?for\b"
MUSIC_CHANGE = (
    _words("change", "switch", "replace", "swap", "different", "another", "other", "new", "换", "换成", "改成", "替换")
    + ".{0,20}" + MUSIC + "|" + MUSIC + ".{0,20}"
    + _words("change to", "switch to", "instead", "换成", "改成", "换得", "换个", "换一首", "换一下", "换掉", "换下")
    + "|" + _words("换成", "改成", "换个", "换一个", "换一首", "change to", "switch to") + r"\s*(?:更)?" + GENRE
)
FADE = _words("fade", "fades", "fade in", "fade out", "fade-in", "fade-out", "淡入", "淡出", "渐入", "渐出")
FADE += r"|\b(?:bow|drift|trail|taper|die|ease|slip)(?:s|ed|ing)?\s+(?:out|away|off)\b"  # "have the music bow out"
TITLE_INTENT = TITLE + r"|(?:call|name)\s+(?:it|the\s+video)\s+[\"“'‘]|叫做|命名为"

# -- the compositional reader's words --------------------------------------------------------------------------

EVERYTHING = (r"\b(?:everything|all\s+(?:the\s+|of\s+the\s+)?(?:tracks?|layers?|of\s+it)|the\s+rest|anything\s+else"
              r"|everything\s+else|all\s+else|all)\b|全部|所有|其他|其它|别的")
PRONOUN = r"\b(?:it|its|it's|that|this|them|those)\b|它"
KEEP_ONLY = (r"\b(?:keep|leave)\s+(?:only|just)\b|\b(?:only|just)\s+(?:keep|leave)\b|\bkeep\s+(?:the\s+)?\w+\s+only\b"
             r"|只保留|只留|仅保留|只要")
EXCEPT = (r"\b(?:except(?:\s+for)?|other\s+than|apart\s+from|besides|save\s+for|aside\s+from)\b"
          r"|\b(?:everything|all|anything|nothing|every\s+\w+)\s+but(?:\s+not)?\b|\bbut\s+(?:keep|leave|spare|save)\b"
          r"|\bbut(?:\s+not)?\s+(?:for\s+)?(?:the|my|our|your)\s+(?:background\s+)?(?:music|bgm|song|soundtrack|title"
          r"|text|captions?|subtitles?|video|clip|footage)\b|除了|以外|之外")
"""An exception ("everything but the music", "keep all of it but not the title"), not a clause's "but" ("I like it,
but make the music louder")."""
MOVE = (r"\b(?:move|moving|shift|drag|reposition|relocate|slide|nudge|push|align|left-align|right-align)\b"
        r"|移到|移动|挪|放到|放在|移至|移")
PLACE = r"\b(?:put|place|position|set|have|show|display|keep|hold|end|start|begin|finish|stop|run)\b"
CHANGE = (r"\b(?:change|switch|replace|swap|turn|convert|make|set|rename|update|edit|recolou?r)\b"
          r"|换成|改成|改为|换|替换|变成|调成|调到|设为|改")
RENAME = (r"\b(?:rename|retitle|re-title)\b|\b(?:should|to)\s+(?:say|read)\b"
          r"|\bchange\s+(?:the\s+)?(?:title|text)\s+to\b|改名|改成|改为")
ADD_VERB = ADD + "|" + GENERATE + "|" + _words("compose", "play", "score", "来一首", "配一首", "加点", "加个")
ADD_VERB += "|配(?!乐)"  # "配上音乐", not the 配 of 配乐
SHORTEN_BY = (r"\bby\s+(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\b"
              r"|\b(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\s+shorter\b")
LOOK = (r"\b(?:look|looks|looking|feel\s+like\s+a|appear|grading|graded|grade|atmosphere|aesthetic|tint|hue|warm|warmer"
        r"|cool(?:er)?\s+(?:tones?|colou?rs?))\b|看起来|风格的画面")
ANIMATION = (r"(?:fade|slide|typewriter|bounce|pop|wipe)(?:[\s-]+(?:in|out|up|down))?\s+animations?|text\s+animations?"
             r"|typewriter|type\s+out\s+the\s+(?:text|words?|title)"
             r"|slid(?:e|es|ing)[\s-]+(?:in|up|down|left|right|from)"
             r"|animat(?:e|es|ing)\s+(?:the\s+|my\s+|this\s+)?(?:title|text|captions?|words?|it)"
             r"|(?:title|text|caption)\s+animations?"
             r"|fade\s+(?:the\s+|my\s+)?(?:title|text|captions?|words)\s+(?:in|out)\b"
             r"|(?:title|text|captions?|words)\s+(?:to\s+)?fade\s+(?:in|out)\b"
             r"|(?:title|text|captions?|words)\s+(?:pop|slide|bounce|zoom|fly|spin|type)s?\s+(?:in|out|on)\b"
             r"|animated\s+(?:[\"'“‘][^\"'”’]*[\"'”’]\s+)?(?:title|text|captions?|words?)"
             r"|(?:bouncing|sliding|spinning|flying|scrolling|moving|floating)\s+(?:title|text|captions?|words?)"
             r"|(?:typewriter|text)\s+reveal")
"""Text that moves (slides in, types itself): the draft's text has a style and a time, no motion."""
PICTURE_FILE = r"[\w./:\\-]+\.(?:png|jpe?g|svg|webp|gif)"
"""An image file by its name ("logo.png"): a picture, which the draft cannot lay over the video."""
OWN_SOUND = (r"原声(?!吉他|乐器|音乐|风)|原音|原视频的?(?:声音|背景音|音频)"
             r"|视频(?:自带|本身|原本)的?(?:声音|音频|背景音)|(?:video|clip|footage)'?s\s+own\s+(?:sound|audio)|\bown\s+(?:sound|audio)\b")
"""The upload's own sound ("去掉原视频的背景音", "the clip's own audio"): not a track the draft has."""
UNSUPPORTED = (
    r"\b(?:sparkles?|stickers?|emojis?|filters?|transitions?|effects?|logo|watermark|voice\s*-?over|narration|gif|zoom(?!\s+(?:call|meeting|recording))"
    r"|slow\s*-?mo(?:tion)?|speed\s+(?:it\s+)?up|accelerate|vintage|black\s*(?:and|&|n)\s*white|b\s*&\s*w|monochrome"
    r"|gr[ae]yscale|colou?rs?\s+pop|vibrant|mute[ds]?\s+(?:the\s+|my\s+|all\s+)?(?:colou?rs?|tones?)|(?:mute|silence|turn\s+off|turn\s+down|lower)\s+(?:the\s+|my\s+)?"
    r"(?:(?:sound|volume)\s+(?:from|on|of)\s+(?:the\s+|my\s+)?)?(?:speakers?|notifications?|phone|mic|microphone|headphones?)"
    r"|sepia|blur|glitch|confetti|lighting|lens\s+flares?|light\s+leaks?|bokeh|depth\s+of\s+field|borders?|mosaic"
    r"|pixelate|dissolves?|wipe\s+(?:transition|effect)|" + PICTURE_FILE +
    r"|frames?|color\s+grad(?:e|ing)|lut|intro\s+animation|outro|(?:captions?|subtitles?)\s+automatically|auto(?:matic)?\s*-?(?:captions?|subtitles?)"
    r"|silences?(?!\s+(?:the\s+|my\s+)?(?:background\s+)?(?:music|bgm|song|soundtrack|track|audio))|pauses?|dead\s+air|ums?|uhs?|filler\s+words|noise|denoise|grain|vignette|halation|diffusion"
    r"|brightness|brighten|brighter|darker|darken|saturation|contrast|exposure|colou?r\s+correct(?:ion)?"
    r"|stabili[sz]e|(?:put|move|place)\s+(?:the\s+)?(?:last|first|second|third|\d+(?:st|nd|rd|th)?)\s+(?:clip|video|shot)"
    r"\s+(?:first|last|before|after|to\s+the\s+(?:front|start|beginning|end|back))|move\s+(?:clip|shot)\s*\d+\s+to"
    r"|(?:swap|reorder|rearrange|re-order)\s+(?:the\s+|my\s+)?(?:order\s+of\s+the\s+)?(?:clips|shots|videos)|jump\s+cuts?|b-?roll|word-by-word|burn(?:ed)?-?in|burn\s+(?:the\s+)?(?:\w+\s+)?(?:subtitles?|captions?)|translat(?:e|es|ed|ion|ing)\s+(?:the\s+|my\s+|all\s+(?:the\s+)?)?(?:subtitles?|captions?|texts?|titles?)"
    r"|(?:subtitles?|captions?)\s+in\s+(?:english|spanish|french|german|chinese|japanese|korean|arabic|hindi|portuguese)|duplicate\s+frames|highlights?(?:\s+reel)?"
    r"|(?:best|funn(?:y|iest)|boring)\s+(?:moments|parts|bits)(?!\s+(?:video|clip|reel|compilation|montage))|teaser|slow\s+(?:the\s+|my\s+|this\s+)?(?:\w+\s+){0,2}?down|reverse|crossfade"
    r"|fades?\s+(?:\w+\s+){0,2}?(?:between|to|on|for|across)\s+(?:the\s+|all\s+(?:the\s+|my\s+)?|every\s+|each\s+|my\s+)?"
    r"(?:clips?|scenes?|shots?|videos?)(?!'s|\s+(?:end|ends|start|beginning))|^\W*fade\s+(?:all|everything)\W*$|fade\s+at\s+\d"
    r"|hard\s+cut|fade\s+(?:to|from)\s+(?:black|white)|\b(?:in|out|up|down)\s+(?:from|to|into)\s+(?:black|white)\b|dip\s+to\s+(?:black|white)|freeze|ducking|duck|normali[sz]e|loudness|undo|redo|bass\s+boost(?:ed)?|(?:boost|increase|raise|turn\s+up|enhance"
    r"|pump\s+up)\s+(?:the\s+)?bass"
    r"|(?:more|less)\s+bass|" + ANIMATION +
    r"|treble|reverb|echo|equali[sz]er|[\w./:\\-]+\.(?:mp3|wav|m4a|aac|ogg|flac)|lyrics?(?:\s+video)?|karaoke|(?:audio|sound)\s+(?:from|of|on)\s+(?:the\s+|my\s+)?(?:camera|recording|phone)"
    r"|camera\s+(?:audio|sound)|(?:original|clip'?s|video'?s|clip|video)\s+(?:audio|sound|volume)"
    r"|(?:volume|audio|sound)\s+(?:on|of|for|in)\s+(?:the\s+|all\s+(?:the\s+|my\s+)?|every\s+|each\s+|my\s+)?clip|(?:cuts?|edits?|sync|match|time|timed)\b.{0,20}\b(?:on|to|with)\s+the\s+beats?"
    r"|beat[\s-]*sync|(?:add|generate)\s+(?:\w+\s+)?captions"
    r"|(?:shorts|clips)\s+(?:out\s+)?(?:from|of)\s+(?:this|my|the)|make\s+(?:\d+\s+)?(?:shorts|clips)"
    r"|avi|mkv|mov|wmv|flv|webm|ogg|mp3|hevc|prores|h\.?26[45]|\d{3,4}\s*[x×]\s*\d{3,4}|[248]k\s+resolution"
    r"|(?:to|video|clip|it)\s+(?:[248]k|\d{3,4}p)\b(?!\s+(?:phone|screen|display|monitor))"
    r"|(?:reduce|lower|increase|raise|change|set|adjust|upscale|downscale)\s+(?:the\s+|its\s+)?resolution"
    r"|(?:extract|separate|save|grab|get\s+(?:me\s+)?(?:just\s+)?)\s*(?:the\s+)?(?:audio|sound|soundtrack)|audio[\s-]*only"
    r"|(?:play|open|launch|load)\s+(?:this\s+|the\s+|my\s+)?(?:video|clip|file)|playback|start\s+playing"
    r"|rip\s+(?:out\s+)?(?:the\s+)?audio|compress|file\s+size|make\s+the\s+file\s+smaller|thumbnail|merge|stitch"
    r"|clean\s+up\s+the\s+(?:audio|sound)|voice\s+(?:volume|level)|(?:volume|level|loudness)\s+of\s+(?:the\s+|my\s+)?"
    r"(?:vo|voice|narration|narrator|speech|dialogue|speaker)\b|\bvo\s+(?:voice|volume|level)|(?:voices?|speech|dialogue|narration|vocals?)\s+"
    r"(?:louder|quieter|softer|up|down|off|volume)|(?:mute|silence|lower|raise|increase|decrease|boost|soften|turn\s+(?:up|down"
    r"|off))\s+(?:the\s+|my\s+|her\s+|his\s+)?(?:voices?|speech|dialogue|narration|vocals?)|make\s+(?:the\s+|my\s+)?voices?\s+\w+|summar(?:y|ies|i[sz]e|i[sz]ing)(?!\s+(?:of\s+)?(?:my\s+|the\s+|this\s+)?(?:timeline|draft|project|edits?|changes|tracks))|recap\s+of\s+(?:my|this|the)"
    r"|(?:where|when)\s+(?:i|he|she|they|we|someone)\s+(?:says?|talks?|mentions?)|loop\s+(?:the\s+|this\s+|my\s+)?(?:video|clip|footage)|ticker|speed\s+(?:\w+\s+){1,2}?up|(?:turn|make)\s+(?:the\s+|this\s+|my\s+)(?:video|clip|footage)\s+(?:louder|quieter|softer|down|up)\b(?!\s+to\s+\d)|(?:video|clip|footage)\s+(?:louder|quieter|softer)|fade(?:[\s-]*(?:in|out))?\s+(?:(?:to|on|for)\s+)?(?:the\s+|this\s+|my\s+|that\s+)?(?:(?:whole|opening|first|last|final|closing)\s+)?(?:video|clip|footage|picture|scene|shot)s?\s*\d?(?!\w)(?!'s)|(?<!to\s)(?:post|publish|upload|share)\s+(?:it\s+|this\s+|the\s+video\s+)?(?:to|on)\s+(?:tiktok|youtube|instagram|facebook|twitter|douyin)|(?:text|quote|list|announcement|typography|slides?)[\s-]+(?:only\s+)?videos?|kinetic\s+typography|typefaces?|fonts?(?!\s*size)|letter\s+spacing|glow|drop\s+shadows?|shadows?|(?:faster|quicker|slower|punchier|hard|all(?:\s+the)?|more)\s+cuts"
    r"|cuts\s+(?:faster|quicker|slower)|breathing\s+room|breathe|chorus|verses?|build-?up|climax|rhythmic)s?\b"
    r"|特效|滤镜|贴纸|转场|水印|配音|旁白|慢动作|降噪|噪声|噪音|底噪|提亮|调亮|变亮|亮一点|调暗|暗一点|亮度|饱和度"
    r"|静音\s*\d|静音片段|静音段|对比度|鲜明|口播|人声|语音|响度|统一音量|忽大忽小|卡点|变速|快放|慢放|加速|减速|定格|冻结|画质|高清|美颜|切一刀"
    r"|调色|人放中间|人物放中间|画面偏|黑白|旋转|顺时针|逆时针|转\s*\d+\s*度|倒过来|裁掉|黑边|像素|速度|倍速"
    r"|拼接|拼到|接在后面|连成|连起来|合并|音效|对比|发到|发布到|上传到|分享到|发抖音|发朋友圈"
    r"|" + OWN_SOUND
    + r"|\b(?:apply|use|switch\s+to|change\s+to)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?theme\b(?!\s+(?:music|song|tune))"
    r"|\b(?:dark|light|colou?r)\s+(?:theme|mode)\b"
    r"|\bbackgrounds\b|\b(?:virtual|green|blurr?ed|blurry|image|photo|picture|video|scenery)\s+background\b"
    r"|\bimport\s+(?:my|the|a|an|this|these|some)\s+(?:\w+\s+)?(?:subtitles?|captions?|srt|timeline|project|edl|xml|fonts?)\b"
    r"|^\W*(?:(?:make\s+)?(?:it|this|the\s+video|everything|the\s+whole\s+thing)\s+)?(?:go\s+|play\s+|run\s+)?"
    r"(?:a\s+bit\s+|a\s+little\s+|much\s+|way\s+)?(?:faster|slower|quicker)(?:\s+please|\s+pls)?\W*$"
)
QUESTION = (r"^\W*(?:how|what|what's|whats|which|who|who's|is|are|does|do|tell\s+me|can\s+you\s+tell\s+me"
            r"|could\s+you\s+tell\s+me|i\s+(?:want|need)\s+to\s+know|do\s+you\s+know)\b|[?？]\s*$|吗\s*[?？]?\s*$"
            r"|^\W*(?:volume|music|title|length|duration|song|track)\s+(?:status|level|info|details)\W*$"
            r"|多长|多久|几秒|多少|什么|哪|是否|有没有|几条|几个")
TOPICS: Mapping[str, str] = {
    "duration": r"\bhow\s+long\b|\blength\b|\bduration\b|\bhow\s+many\s+seconds\b|多长|多久|几秒|多少秒|时长",
    "volume": r"\bhow\s+(?:loud|quiet)\b|\bvolume\b|音量|多大声",
    "ratio": r"\baspect\s+ratio\b|\bratio\b|\bvertical\b|\bportrait\b|\blandscape\b|\bdimensions?\b|\bresolution\b"
             r"|比例|横屏|竖屏|分辨率",
    "tracks": r"\bhow\s+many\s+(?:tracks|layers)\b|\bwhat\s+tracks\b|轨道|几条轨|几个轨",
    "title": r"\btitle\b|\bheading\b|\btext\b|\bcaption\b|标题|字幕|文字",
    "music": r"\b(?:music|song|bgm|soundtrack|track|playing|style|songwriter|singer|singing|composer)\b|音乐|配乐|歌"
             r"|在放什么|放的(?:是)?什么",
}
"""What a question about the draft asks, tried in this order."""
EDIT_VERBS = (r"\b(?:add|put|remove|delete|change|switch|replace|make|set|turn|move|trim|cut|fade|generate|create"
              r"|insert|use|give|apply|shorten|swap|raise|lower|increase|decrease|bump|search|find|look\s+for"
              r"|stabili[sz]e|sync|split|reorder|reverse|crop|zoom|clean|fix|enhance|brighten|darken|transcribe"
              r"|undo|redo|stitch|merge|join|combine|loop|extend|speed|slow)\b"
              r"|加|添加|删除|去掉|换|改|调|剪|移|生成|放")
CONDITION = (r"(?:但是?|而且|并且)?\s*(?:不要|别|不能)\s*(?:爆音|过曝|失真|变闷)|\b(?:but\s+)?without\s+(?:clipping"
             r"|distortion)\b|\b(?:but\s+)?don'?t\s+(?:let\s+it\s+)?(?:clip|distort)\b")
"""A condition on the request it follows ("…但别爆音", "… without clipping"): taken off, the request stays."""
LEAVE = (r"(?:保持|维持)\s*(?:不变|原样)|不要动|别动|(?<!不)不动|不变\s*$"
         r"|\bleave\s+(?:the\s+|my\s+)?\w+(?:\s+\w+)?\s+(?:alone|as\s+(?:it\s+)?is)\b|\b(?:don'?t|do\s+not)\s+touch\b"
         r"|\bkeep\s+(?:the\s+|my\s+)?(?:original\s+(?:sound|audio)|voice|dialogue)\b")
"""A clause that asks to leave something as it is ("人声保持不变", "keep the original sound"): nothing to do."""
NARRATIVE = (r"^\W*(?:i|we)\s+(?:just\s+|even\s+|finally\s+|actually\s+)?(?:ended\s+up|had\s+to|tried|kept|started"
             r"|gave\s+up|stopped|was\s+\w+ing|were\s+\w+ing)\b|^\W*我(?:明天|明早|今天|今晚|等下|待会|[一1]会儿?)")
"""What the user did while watching ("I ended up muting youtube and only reading the subtitles"): a story, not a
request."""
REASON = (r"^\W*(?:because\s+|since\s+|as\s+)?(?:it'?s|it\s+is|that'?s|that\s+is|they'?re|they\s+are)\s+"
          r"(?:so\s+|very\s+|really\s+|too\s+|just\s+|kind\s+of\s+|a\s+bit\s+)?(?:distracting|annoying|irritating|noisy"
          r"|cheesy|boring|overwhelming|unnecessary|too\s+much|not\s+needed)(?:\s+anyway)?\W*$|太吵了?$|太烦了?$|没必要$"
          r"|^\W*(?:it\s+|that\s+)?makes?\s+(?:it\s+)?(?:hard|harder|difficult)\s+to\s+(?:follow|hear|understand|watch|focus)\W*$")
"""Why something just removed goes ("remove the music, it's distracting"): a reason, nothing more to do."""
NEGATION = (r"\b(?:don'?t|do\s+not|dont|no\s+need\s+to|never|not)\s+(?:\w+\s+)?(add|put|include|use|want|need|like"
            r"|insert|change|touch)\b|\b(?:skip|forget(?:\s+about)?)\s+(?:the\s+)?(?:background\s+)?(?:music|bgm|song"
            r"|soundtrack|title|text|captions?)\b|不用加|别加|不要加|不用|别")
"""A clause that says what not to do ("don't add music"): nothing to do, unless it says what is not wanted."""
FILLER = (r"^\W*(?:please|pls|thanks|thank you|now|too|as well|also|again|ok|okay|and|then|for me|if you can|quickly"
          r"|right now|for my (?:video|vlog|clip|project)|for the (?:video|clip)|on it|to it|here|there|a bit|just"
          r"|请|谢谢|一下|吧|呢|啊)?(?:\s+(?:please|thanks|now|too|for me|then))*\W*$")
"""A clause that asks for nothing by itself."""


ORDINARY = frozenset({
    "shorts", "short", "story", "stories", "reels", "posts", "photos", "images", "frames", "sounds", "voice", "noise",
    "scenes", "parts", "clips", "moments", "titles", "texts", "words", "captions", "colors", "colours", "filters",
    "effects", "version", "versions", "teaser", "silence", "pauses", "grain", "stream", "sport", "boring", "camera",
    "cameras", "lights", "light", "screen", "phone",
})
"""Ordinary words that sit near a style word's spelling ("shorts", "sports"): never corrected into a style."""

# -- slot vocabulary ----------------------------------------------------------------------------------------------


# fmt: off
ARTIST_STYLE: Mapping[str, str] = {
    'the weeknd': 'synthwave', 'blinding lights': 'synthwave', 'taylor swift': 'upbeat', 'ed sheeran': 'acoustic',
    'shape of you': 'upbeat', 'drake': 'hip-hop', 'adele': 'piano', 'beyonce': 'upbeat', 'beyoncé': 'upbeat',
    'coldplay': 'rock', 'queen': 'rock', 'bohemian rhapsody': 'rock', 'the beatles': 'rock', 'bts': 'upbeat',
    'billie eilish': 'tense', 'bad guy': 'tense', 'dua lipa': 'edm', 'bruno mars': 'funk', 'uptown funk': 'funk',
    'eminem': 'hip-hop', 'despacito': 'latin', 'let it go': 'orchestral', '周杰伦': 'chinese', '邓紫棋': 'upbeat',
    '林俊杰': 'piano', '陈奕迅': 'piano',
}
# fmt: on
"""Named songs and artists -> the style the agent offers instead."""

# fmt: off
COLORS: Mapping[str, str] = {
    'white': '#FFFFFF', 'black': '#000000', 'red': '#E53935', 'green': '#43A047', 'blue': '#1E88E5',
    'neon blue': '#00E5FF', 'light blue': '#81D4FA', 'navy': '#1A237E', 'yellow': '#FDD835', 'gold': '#FFC107',
    'golden': '#FFC107', 'orange': '#FB8C00', 'pink': '#EC407A', 'purple': '#8E24AA', 'grey': '#9E9E9E',
    'gray': '#9E9E9E', 'silver': '#C0C0C0', 'cyan': '#00BCD4', 'teal': '#009688', 'brown': '#795548', '白色': '#FFFFFF',
    '黑色': '#000000', '红色': '#E53935', '绿色': '#43A047', '蓝色': '#1E88E5', '黄色': '#FDD835', '金色': '#FFC107',
    '橙色': '#FB8C00', '粉色': '#EC407A', '紫色': '#8E24AA', '灰色': '#9E9E9E', 'violet': '#8E24AA',
    'magenta': '#D81B60', 'lime': '#C0CA33', 'beige': '#F5F5DC', 'cream': '#FFFDD0', 'maroon': '#800000',
    'crimson': '#DC143C', 'turquoise': '#40E0D0', 'lavender': '#B39DDB', 'peach': '#FFCC80', 'coral': '#FF7F50',
    'olive': '#808000', 'mint': '#98FF98', 'sky blue': '#87CEEB', 'dark blue': '#0D47A1', 'dark red': '#B71C1C',
    'light green': '#A5D6A7', 'dark green': '#1B5E20', 'hot pink': '#FF69B4', 'neon green': '#39FF14',
    '青色': '#00BCD4', '棕色': '#795548', '银色': '#C0C0C0', '白': '#FFFFFF', '黑': '#000000', '红': '#E53935',
    '绿': '#43A047', '蓝': '#1E88E5', '黄': '#FDD835', '金': '#FFC107', '橙': '#FB8C00', '粉': '#EC407A',
    '紫': '#8E24AA',
}
# fmt: on
# fmt: off
POSITIONS: Mapping[str, str] = {
    'top left': 'top-left', 'top right': 'top-right', 'bottom left': 'bottom-left', 'bottom right': 'bottom-right',
    'top': 'top-center', 'upper': 'top-center', 'bottom': 'bottom-center', 'lower': 'bottom-center',
    'center': 'center', 'centre': 'center', 'middle': 'center', '左上': 'top-left', '右上': 'top-right',
    '左下': 'bottom-left', '右下': 'bottom-right', '顶部': 'top-center', '上方': 'top-center', '上面': 'top-center',
    '底部': 'bottom-center', '下方': 'bottom-center', '下面': 'bottom-center', '中间': 'center', '居中': 'center',
    'upper left': 'top-left', 'upper right': 'top-right', 'lower left': 'bottom-left', 'lower right': 'bottom-right',
    'top-left': 'top-left', 'top-right': 'top-right', 'bottom-left': 'bottom-left', 'bottom-right': 'bottom-right',
    'centered': 'center', 'centred': 'center', 'down': 'bottom-center', 'up top': 'top-center', '正中间': 'center',
    '上边': 'top-center', '下边': 'bottom-center', '顶端': 'top-center', '底端': 'bottom-center',
}
SIDES: Mapping[str, str] = {"left": "left", "right": "right", "左边": "left", "右边": "right", "左侧": "left",
                            "右侧": "right", "左": "left", "右": "right"}
"""A side alone keeps the title's row ("shift the title to the left": top-center -> top-left)."""
# fmt: on
# fmt: off
SIZES: Mapping[str, int] = {  # relative words (bigger, smaller) are read against the current size
    'tiny': 24, 'small': 32, 'smaller': 32, 'medium': 48, 'normal': 48, 'big': 80, 'bigger': 80, 'large': 80,
    'larger': 80, 'huge': 110, 'giant': 110, '大': 80, '大一点': 80, '更大': 80, '小': 32, '小一点': 32, '更小': 32,
}
# fmt: on
# fmt: off
RATIO_WORDS: Mapping[str, str] = {
    'vertical': '9:16', 'portrait': '9:16', 'tiktok': '9:16', 'reels': '9:16', 'reel format': '9:16',
    'shorts': '9:16', 'instagram story': '9:16', 'phone screen': '9:16', 'phone video': '9:16', 'for phones': '9:16',
    'for a phone': '9:16', 'for mobile': '9:16', 'mobile format': '9:16', '手机屏幕': '9:16', 'fit on a phone': '9:16',
    'fit a phone': '9:16', 'youtube': '16:9', 'youtube shorts': '9:16', 'square': '1:1', 'landscape': '16:9',
    'widescreen': '16:9',
    'horizontal': '16:9', '竖屏': '9:16', '竖版': '9:16', '抖音': '9:16', '横屏': '16:9', '横版': '16:9', '方形': '1:1',
    '正方形': '1:1',
}
# fmt: on
# fmt: off
ORDINALS: Mapping[str, int] = {
    'first': 0, '1st': 0, 'second': 1, '2nd': 1, 'third': 2, '3rd': 2, 'fourth': 3, '4th': 3, 'last': -1, '第一': 0,
    '第1': 0, '第二': 1, '第2': 1, '第三': 2, '第3': 2, '第四': 3, '第4': 3, '最后': -1,
}
# fmt: on
# fmt: off
NUMBER_WORDS: Mapping[str, float] = {'half a minute': 30, 'a minute': 60, '1 minute': 60}
# fmt: on

# -- slot patterns ------------------------------------------------------------------------------------------------

SECONDS_UNIT = r"(?:s|sec|secs|second|seconds|seg|秒|秒钟)"
NUMBER = r"(\d+(?:\.\d+)?)"
CLOCK = r"(\d{1,2}):(\d{2})"
DURATION = re.compile(rf"{NUMBER}\s*[- ]?{SECONDS_UNIT}(?![a-z])|{NUMBER}\s*[- ]?(?:min|minute|minutes|分钟)\b")
QUOTED = re.compile(r"[\"“”「『《]([^\"“”」』》]{1,200})[\"“”」』》]|(?<![a-z])['‘’]([^'‘’]{1,200})['‘’](?![a-z])")
TITLE_AFTER = re.compile(
    r"(?:title|heading|headline|caption|text|subtitle|call it|name it|saying|says|that says|reading"
    r"|标题|片名|字幕|文字)"
    r"\s*(?:is|as|to|of|:|：|为|是|叫)?\s*[:：]?\s*([a-z0-9\u4e00-\u9fff][^,.!?;，。！？]{0,60})",
    re.IGNORECASE,
)
FILENAME = re.compile(r"\b([\w\-]+\.(?:mp4|mov|avi|webm|mkv))\b")
VIDEO_N = re.compile(r"\b(?:video|clip)\s*#?\s*(\d)\b(?!\.\d|\s*(?:s|sec|secs|seconds?|%|x|minutes?)\b)")
DUCK = (r"\b(?:when(?:ever)?|while|as)\s+(?:[\w']+\s+){0,2}(?:talk(?:s|ing)?|speak(?:s|ing)?)\b"
        r"|\bduring\s+(?:the\s+)?(?:speech|dialogue|talking)\b"
        r"|说话的时候|说话时|讲话时|讲话的时候|对白的时候|结束(?:后)?(?:音乐)?恢复|讲完(?:后)?恢复")
"""Music lowered only while someone speaks (ducking): not an edit the agent has."""
A_WHILE = re.compile(r"\bfor\s+(?:the\s+next\s+|another\s+)?(?:\d+(?:\.\d+)?\s*|a\s+|an\s+|one\s+)"
                     r"(?:s|secs?|seconds?|mins?|minutes?|hours?|moment|while|bit)\b|\buntil\s+(?:tomorrow|later)\b")
"""For a while, from no named time ("mute for five minutes"): a loudness over part of the track, or none of it."""
DURING = re.compile(r"\b(?:during|while|whenever|when\s+(?:the|a|my|there|it)|throughout\s+the\s+\w+)\b|的时候|期间")
"""A time named by what happens then ("during the title"): a loudness over part of the track, which it cannot set."""
CONDITIONAL = (r"\bif\s+(?:this|that|it|the\s+\w+)\s+(?:one\s+)?(?:is\s+|isn'?t\s+|is\s+not\s+)?(?:unavailable|missing"
               r"|fails|doesn'?t\s+work|can'?t\s+be\s+used|not\s+available)\b|如果.{0,10}(?:不行|失败|用不了)")
"""A request that waits on something the agent cannot see ("another song if this one is unavailable")."""
DISLIKE = (r"\b(?:isn'?t|is\s+not|not)\s+(?:the\s+)?(?:right|correct)\b|\bwrong\s+(?:\w+\s+)?(?:music|song|track)\b"
           r"|\bdon'?t\s+like\s+(?:the|this)\b|不喜欢|不对|不合适")
"""A verdict against what is there that does not say what instead ("isn't the right music")."""
MISFIT = (r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:really\s+|quite\s+)?(?:fit|match|suit|go\s+with)\b"
          r"|\bnot\s+(?:a\s+)?(?:good\s+|great\s+)?(?:fit|match)\b|\bout\s+of\s+place\b"
          r"|\btoo\s+(?:busy|repetitive|generic|cheesy)\b|\b(?:is|sounds?|feels?)\s+(?:so\s+|really\s+|a\s+bit\s+)?"
          r"(?:boring|cheesy|generic|repetitive)\b|不贴合|不搭|不匹配|不符合|不配|太暗|太满|太空|太单调|太平淡|太闷|太土")
"""The music said not to fit the video, or to be dull ("doesn't match the video", "太单调"): which instead?"""
SHOT_N = (r"\b(?:shot|scene|segment|part|take)\s*#?\s*(\d+)\b(?!\s*(?:s\b|sec|secs|seconds?|minutes?|%))"
          r"|第\s*([0-9]+|[一二两三四五六七八九十])\s*(?:段|个片段|个镜头|个场景|镜)")
"""A shot named by number ("trim shot 1 to 2 seconds", "第2段改成10秒"): one upload is shot 1; another number names
nothing."""
TRACK_N = re.compile(r"\btrack\s*#?\s*(\d+)\b|第\s*(\d+)\s*(?:条|个)?\s*轨")
MUSIC_WORD = re.compile(MUSIC)
VERDICT = re.compile(r"\b(?:is|are|looks?|seems?|sounds?)\s+(?:really\s+|so\s+|very\s+|just\s+)?"
                     r"(?:great|good|nice|perfect|fine|ok|okay|cool|awesome|amazing|lovely|beautiful|fantastic|excellent)\W*$")
"""A verdict on what is there ("the title is great", "the music sounds good"): praise, not a request."""
CAPTION_WORD = re.compile(r"\b(?:captions?|subtitles?)\b|字幕|副标题")
"""Captions are text that is not the title: asked about, they never mean the title."""
TITLE_WORD = re.compile(TITLE)
TEXT_WORD = re.compile(TEXT)
VIDEO_WORD = re.compile(VIDEO)
SPLIT = re.compile(
    r"\s*(?:,|;|，|；|。|(?<=[?？!！])(?=\s*\S)|\band then\b|\bthen\b|\balso\b|\bplus\b(?!\s*\d)|\band\b|然后"
    r"|并且|再(?!次)|以及|还有|和)\s*"
)
"""Clause boundaries (one message may ask for several things)."""
UNSUPPORTED_LANGUAGE = re.compile(
    r"[àâçéèêëîïôûùüÿñæœäöß¿¡]|\b(?:ajoute|ajouter|musique|vidéo|une|avec|pour|les|des|bitte|und|mit|fügen|añade|"
    r"añadir|música|por favor|aggiungi|musica|con|para|il|della|você|adicione|そして|を|追加|추가|음악)\b"
)
"""Signs of a language the agent does not speak (it answers in English or Chinese)."""
# fmt: off
TYPOS: Mapping[str, str] = {
    'musci': 'music', 'muisc': 'music', 'msuic': 'music', 'musik': 'music', 'muzic': 'music', 'vidoe': 'video',
    'viedo': 'video', 'vedio': 'video', 'tittle': 'title', 'titel': 'title', 'tilte': 'title', 'remvoe': 'remove',
    'romove': 'remove', 'delet': 'delete', 'quiter': 'quieter', 'louader': 'louder', 'lowder': 'louder',
    'bg': 'background', 'backround': 'background', 'backgroud': 'background', 'volumn': 'volume', 'volum': 'volume',
    'secs': 'seconds',
    'seconts': 'seconds', 'sec.': 'seconds', 'jaz': 'jazz', 'clasical': 'classical', 'orchestal': 'orchestral',
    'verticle': 'vertical', 'squre': 'square', 'plz': 'please', 'pls': 'please', 'u': 'you', 'tracs': 'tracks',
    'timline': 'timeline', 'genrate': 'generate', 'genarate': 'generate', 'creat': 'create', 'fadein': 'fade in',
    'fadeout': 'fade out', 'hiphop': 'hip hop', 'lofi': 'lo-fi', "edm's": 'edm', 'teh': 'the', 'hte': 'the',
    'tunr': 'turn', 'trun': 'turn', 'biger': 'bigger', 'bigegr': 'bigger', 'smaler': 'smaller', 'mkae': 'make',
    'amke': 'make', 'delte': 'delete', 'frist': 'first', 'secnd': 'second', 'lenght': 'length', 'clp': 'clip',
    'abit': 'a bit', 'captoins': 'captions', 'shoter': 'shorter', 'shorer': 'shorter',
}
# fmt: on
"""Misspellings seen in real chats -> the word meant."""

LOUDNESS = (
    r"%|\d\s*(?:db|decibels?)\b|\bvolume\b|\bloud|\bquiet|\bsoft|\bhear\b|\bdrown|\bmute\b|\bsilence\s+the\b|\bturn\s+(?:it\s+)?(?:up|down)"
    r"|音量|声|吵|静音|响"
)
"""Words about how loud something is (a percentage with them is a volume, not a cut)."""

R: Mapping[str, re.Pattern[str]] = {name: re.compile(globals()[name]) for name in (
    "SONG", "OUT_OF_SCOPE", "ROLE", "GREETING", "HELP", "DESCRIBE", "EXPORT", "AMBIGUOUS", "REMOVE", "GENERATE_VIDEO",
    "TARGET", "TRIM", "RATIO", "MUSIC_CHANGE", "FADE", "TITLE_INTENT", "EVERYTHING", "PRONOUN", "KEEP_ONLY",
    "EXCEPT", "MOVE", "PLACE", "CHANGE", "RENAME", "ADD_VERB", "SHORTEN_BY", "LOOK", "UNSUPPORTED", "QUESTION",
    "EDIT_VERBS", "FILLER", "NEGATION", "LOUDNESS", "LEAVE", "CONDITION", "SHOT_N", "DUCK", "CONDITIONAL", "DISLIKE",
    "MISFIT", "OWN_SOUND", "REASON", "NARRATIVE",
    "ANIMATION",
)}  # fmt: skip
"""The patterns above, compiled once."""
