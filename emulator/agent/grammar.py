"""What the agent understands, as data: every intent with its phrases (English, Chinese and the usual loanwords),
the slots it reads and the draft change it makes; and every word list the slot readers use. All the agent's
patterns live here; slots.py reads values with them and planner.py reads the intent table in order.

Messages are matched after normalisation (lower case, single spaces, full-width forms folded, common typos fixed),
so the patterns below are written in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


def _words(*alternatives: str) -> str:
    """A regex alternation of phrases; ASCII phrases must stand as whole words, Chinese ones anywhere."""
    out = []
    for a in sorted(alternatives, key=len, reverse=True):
        esc = re.escape(a).replace(r"\ ", r"\s+")
        out.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if a.isascii() else esc)
    return "(?:" + "|".join(out) + ")"


@dataclass(frozen=True, slots=True)
class Intent:
    """One thing a user can ask for."""

    name: str
    pattern: re.Pattern[str]
    slots: tuple[str, ...]
    """The slot readers (slots.py) whose values this intent uses."""
    change: str
    """What it does to the draft (or that it answers with text alone)."""


def _intent(name: str, regex: str, slots: tuple[str, ...], change: str) -> Intent:
    return Intent(name, re.compile(regex), slots, change)


# -- vocabulary shared by several intents ------------------------------------------------------------------------

# fmt: off
MUSIC = _words(
    "music", "bgm", "soundtrack", "background track", "backing track", "score", "song", "tune", "beat", "beats",
    "melody", "audio track", "musique", "背景音乐", "配乐", "音乐", "曲子", "歌曲", "伴奏", "旋律",
)
TITLE = _words("title", "heading", "headline", "title card", "标题", "片名", "大标题")
TEXT = _words(
    "text", "caption", "captions", "subtitle", "subtitles", "overlay", "words", "lower third", "label", "文字", "字幕",
    "文本", "文案",
)
VIDEO = _words(
    "video", "clip", "footage", "timelapse", "time-lapse", "animation", "film", "movie", "reel", "vid", "recording",
    "视频", "短片", "影片", "片子", "画面", "素材",
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

# fmt: off
GENRES: Mapping[str, tuple[str, ...]] = {
    'lo-fi': ('lofi', 'lo-fi', 'lo fi', 'lo-fi hip hop', 'chillhop', '低保真', 'lofi风'),
    'hip-hop': ('hip hop', 'hip-hop', 'hiphop', 'rap', 'boom bap', '嘻哈', '说唱'),
    'trap': ('trap', 'drill', '808'),
    'jazz': ('jazz', 'jazzy', 'swing', 'bebop', 'smooth jazz', '爵士', '爵士乐'),
    'blues': ('blues', 'bluesy', '蓝调', '布鲁斯'),
    'classical': ('classical', 'baroque', 'mozart', 'bach', 'chamber', '古典', '古典乐'),
    'orchestral': ('orchestral', 'orchestra', 'symphonic', 'symphony', 'strings', 'string', '管弦', '管弦乐', '交响'),
    'piano': ('piano', 'solo piano', 'keys', '钢琴'),
    'acoustic': ('acoustic', 'guitar', 'unplugged', '原声', '吉他'),
    'country': ('country', 'western', 'bluegrass', 'cowboy', '乡村'),
    'folk': ('folk', 'indie folk', 'folksy', '民谣'),
    'rock': ('rock', 'rock and roll', 'rock n roll', 'indie rock', 'punk', 'grunge', '摇滚'),
    'metal': ('metal', 'heavy metal', 'metalcore', 'thrash', '金属', '重金属'),
    'edm': ('edm', 'electronic', 'electro', 'dance', 'dubstep', '电子', '电音', '电子乐'),
    'house': ('house', 'deep house', 'tech house'),
    'techno': ('techno', 'rave', '科技舞曲'),
    'ambient': ('ambient', 'atmospheric', 'drone', 'spacey', '空灵', '氛围'),
    'cinematic': ('cinematic', 'film score', 'movie score', 'filmic', '电影感', '电影'),
    'epic': ('epic', 'heroic', 'trailer', 'grand', 'majestic', '史诗', '壮丽', '大气'),
    'chill': (
        'chill', 'chillout', 'chill out', 'relaxed', 'laid-back', 'laid back', 'mellow', 'easy', '轻松', '放松', '惬意'
    ),
    'happy': ('happy', 'cheerful', 'joyful', 'joyous', 'fun', 'playful', 'bright', '欢快', '快乐', '开心', '愉快'),
    'sad': ('sad', 'melancholy', 'melancholic', 'emotional', 'somber', 'sombre', 'heartbreaking', '悲伤', '伤感',
            '难过'),
    'romantic': ('romantic', 'love', 'wedding', 'valentine', 'tender', '浪漫', '爱情', '婚礼', '温馨'),
    'tense': ('tense', 'tension', 'dark', 'thriller', 'intense', 'ominous', '紧张', '黑暗'),
    'suspense': ('suspense', 'suspenseful', 'mysterious', 'mystery', 'eerie', 'creepy', 'horror', '悬疑', '神秘',
                 '恐怖'),
    'corporate': ('corporate', 'business', 'presentation', 'commercial', 'tech', 'startup', '商务', '企业', '宣传'),
    'upbeat': ('upbeat', 'positive', 'pop', 'catchy', 'feel-good', 'feel good', '动感', '流行'),
    'energetic': ('energetic', 'energy', 'powerful', 'hype', 'sports', 'workout', 'driving', '活力', '激情', '热血'),
    'calm': ('calm', 'peaceful', 'relaxing', 'soothing', 'gentle', 'meditation', 'serene', '平静', '舒缓', '宁静',
             '安静的'),
    'holiday': ('holiday', 'christmas', 'xmas', 'festive', 'jingle', 'new year', '节日', '圣诞', '新年', '春节'),
    'chinese': (
        'chinese traditional', 'traditional chinese', 'chinese', 'guzheng', 'erhu', 'pipa', '中国风', '古风', '国风',
        '民乐',
        '传统'
    ),
    'funk': ('funk', 'funky', 'disco', 'groovy', 'groove', '放克', '迪斯科'),
    'reggae': ('reggae', 'ska', 'dub', '雷鬼'),
    'latin': ('latin', 'salsa', 'bossa nova', 'bossa', 'samba', 'tango', '拉丁'),
    'synthwave': ('synthwave', 'retro', '80s', 'eighties', 'vaporwave', 'outrun', '复古', '合成器'),
    'kids': ('kids', 'children', 'childrens', 'cute', 'cartoon', '儿童', '可爱', '童趣'),
    'dramatic': ('dramatic', 'drama', '戏剧', '戏剧性'),
}
# fmt: on

GENRE = _words(*(w for words in GENRES.values() for w in words))
"""Any genre or mood word."""

# -- the intent table, read in this order -----------------------------------------------------------------------

SONG = (
    "(?:"
    + _words("spotify", "youtube", "youtu.be", "apple music", "soundcloud", "网易云", "qq音乐")
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
    "写代码", "翻译", "作业", "新闻", "外卖",
)
GREETING = r"^\W*" + _words("hi", "hello", "hey", "hiya", "yo", "good morning", "good evening", "你好", "您好", "嗨",
                            "哈喽") + r"\W*(?:there|nemo)?\W*$"
HELP = _words("what can you do", "how does this work", "help", "help me", "what do you do", "capabilities",
              "你能做什么", "帮助", "怎么用", "能干什么")
HELP = r"^\W*(?:can you\s+)?" + HELP + r"\W*(?:please)?\W*$"
DESCRIBE = (
    _words("show", "list", "describe", "what's", "whats", "what is", "display", "summarize", "summarise", "tell me",
           "看看", "显示", "查看", "列出", "现在")
    + ".{0,40}" + _words("track", "tracks", "timeline", "draft", "project", "轨道", "时间线", "草稿", "时间轴")
    + r"|^\W*(?:tracks|timeline|show tracks)\W*$"
)
EXPORT = (_words("export", "download", "render", "save", "导出", "下载", "保存", "渲染")
          + r"(?!.{0,30}\b(?:music|title|text)\b)")
REMOVE = _words("remove", "delete", "drop", "get rid of", "take out", "take off", "no more", "without", "cut out",
                "kill", "lose", "删除", "去掉", "移除", "删掉", "不要", "拿掉", "取消")
REMOVE += r"|^\W*no\s+(?:more\s+)?\w+\W*$"
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
TRIM = _words("trim", "cut", "shorten", "shorter", "keep", "keep only", "only keep", "make it", "make the video",
              "cut down", "剪", "裁剪", "截取", "缩短", "剪辑", "只要", "只保留", "保留")
TRIM += r"|\bonly\s+(?:the\s+)?(?:first|last)\b|前\s*\d+\s*秒|后\s*\d+\s*秒"
RATIO = r"\b(?:16|9|1|4|3|21)\s*[:/x]\s*(?:9|16|1|5|4|3)\b|" + _words(
    "vertical", "portrait", "tiktok", "reels", "reel format", "shorts", "square", "landscape", "widescreen",
    "horizontal", "instagram story", "竖屏", "横屏", "方形", "正方形", "竖版", "横版", "抖音",
)
MUSIC_CHANGE = (
    _words("change", "switch", "replace", "swap", "different", "another", "other", "new", "换", "换成", "改成", "替换")
    + ".{0,20}" + MUSIC + "|" + MUSIC + ".{0,20}" + _words("change to", "switch to", "instead", "换成", "改成")
    + "|" + _words("换成", "改成", "change to", "switch to") + r"\s*" + GENRE
)
VOLUME = (r"\d{1,3}\s*%|\b(?:volume|louder|quieter|softer|lower|mute|unmute|turn\s+(?:it|the\s+\w+)?\s*(?:down|up)"
          r"|half\s+volume|full\s+volume|too\s+(?:loud|quiet))\b|" + QUIET_WORDS + "|"
          + _words("大声", "音量", "静音", "响一点", "大一点"))
FADE = _words("fade", "fades", "fade in", "fade out", "fade-in", "fade-out", "淡入", "淡出", "渐入", "渐出")
ADD_MUSIC = (
    MUSIC + "|" + "(?:" + ADD + r")\s*(?:some\s+|a\s+bit\s+of\s+|a\s+little\s+|an?\s+|点|一点|一段|一些|一首)?"
    + r"(?:\w+\s+)?" + GENRE
    + r"|^\W*(?:some\s+|a\s+|an\s+|more\s+|something\s+)?(?:\w+\s+)?" + GENRE
    + r"|(?:make|let)\s+it\s+(?:sound|feel)\s+(?:more\s+)?" + GENRE
)
TITLE_INTENT = TITLE + r"|(?:call|name)\s+(?:it|the\s+video)\s+[\"“'‘]|叫做|命名为"

INTENTS: tuple[Intent, ...] = (
    _intent("song", SONG, ("genre",), "none: a polite refusal and an offer of generated music in that style"),
    _intent("out_of_scope", OUT_OF_SCOPE, (), "none: declined briefly, it is outside video editing"),
    _intent("greeting", GREETING, (), "none: a short hello and what the agent can do"),
    _intent("help", HELP, (), "none: what the agent can do"),
    _intent("describe", DESCRIBE, (), "none: the timeline in one line"),
    _intent("export", EXPORT, (), "none: how to export with the Export button (exports never go through the agent)"),
    _intent("remove", REMOVE, ("target_kind",), "removes the named track(s): music, title, text, video, or track N"),
    _intent("generate", GENERATE_VIDEO, ("duration", "subject", "genre", "title_text", "ratio", "volume"),
            "generates a clip (video track), then adds music and a title in the same turn"),
    _intent("ambiguous", AMBIGUOUS, (), "none: one clarifying question"),
    _intent("target", TARGET, ("target",), "puts the named upload on the timeline in place of the current video"),
    _intent("trim", TRIM, ("range", "duration"), "keeps the asked-for part of the timeline, shifted to start at 0"),
    _intent("ratio", RATIO, ("ratio",), "sets the canvas to the aspect ratio (footage is reframed)"),
    _intent("music_change", MUSIC_CHANGE, ("genre",), "replaces the background music with the asked-for style"),
    _intent("volume", VOLUME, ("volume",), "sets the background music's volume"),
    _intent("fade", FADE, ("fades",), "sets the background music's fade in / fade out"),
    _intent("music", ADD_MUSIC, ("genre", "volume", "fades", "music_span"),
            "adds music matched to the video's length and mood (or the asked-for style) on one BGM track"),
    _intent("title", TITLE_INTENT, ("title_text", "color", "size", "position", "text_span"),
            "adds (or replaces) the title, or restyles it"),
    _intent("text", TEXT, ("title_text", "color", "size", "position", "text_span"), "adds a text overlay"),
)
# fmt: on
"""The grammar, read in order."""

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
    '橙色': '#FB8C00', '粉色': '#EC407A', '紫色': '#8E24AA', '灰色': '#9E9E9E',
}
# fmt: on
# fmt: off
POSITIONS: Mapping[str, str] = {
    'top left': 'top-left', 'top right': 'top-right', 'bottom left': 'bottom-left', 'bottom right': 'bottom-right',
    'top': 'top-center', 'upper': 'top-center', 'bottom': 'bottom-center', 'lower': 'bottom-center',
    'center': 'center', 'centre': 'center', 'middle': 'center', '左上': 'top-left', '右上': 'top-right',
    '左下': 'bottom-left', '右下': 'bottom-right', '顶部': 'top-center', '上方': 'top-center', '上面': 'top-center',
    '底部': 'bottom-center', '下方': 'bottom-center', '下面': 'bottom-center', '中间': 'center', '居中': 'center',
}
# fmt: on
# fmt: off
SIZES: Mapping[str, int] = {
    'tiny': 24, 'small': 32, 'smaller': 32, 'medium': 48, 'normal': 48, 'big': 80, 'bigger': 80, 'large': 80,
    'larger': 80, 'huge': 110, 'giant': 110, '大': 80, '大一点': 80, '更大': 80, '小': 32, '小一点': 32, '更小': 32,
}
# fmt: on
# fmt: off
RATIO_WORDS: Mapping[str, str] = {
    'vertical': '9:16', 'portrait': '9:16', 'tiktok': '9:16', 'reels': '9:16', 'reel format': '9:16',
    'shorts': '9:16', 'instagram story': '9:16', 'square': '1:1', 'landscape': '16:9', 'widescreen': '16:9',
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
NUMBER_WORDS: Mapping[str, float] = {
    'one': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'seven': 7, 'eight': 8, 'nine': 9, 'ten': 10,
    'fifteen': 15, 'twenty': 20, 'thirty': 30, 'half a minute': 30, 'a minute': 60, 'one minute': 60, '一': 1, '二': 2,
    '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10,
}
# fmt: on

# -- slot patterns ------------------------------------------------------------------------------------------------

SECONDS_UNIT = r"(?:s|sec|secs|second|seconds|seg|秒|秒钟)"
NUMBER = r"(\d+(?:\.\d+)?)"
CLOCK = r"(\d{1,2}):(\d{2})"
RANGE = re.compile(
    rf"(?:from\s+|between\s+|从\s*|第\s*)?(?:{CLOCK}|{NUMBER})\s*{SECONDS_UNIT}?\s*(?:-|–|~|to|and|until|till|到|至)\s*"
    rf"(?:第\s*)?(?:{CLOCK}|{NUMBER})\s*(?:{SECONDS_UNIT})?"
)
FIRST_N = re.compile(rf"(?:first|opening|initial|前)\s*{NUMBER}\s*{SECONDS_UNIT}")
LAST_N = re.compile(rf"(?:last|final|closing|后|最后)\s*{NUMBER}\s*{SECONDS_UNIT}")
DURATION = re.compile(rf"{NUMBER}\s*[- ]?{SECONDS_UNIT}(?![a-z])|{NUMBER}\s*(?:min|minute|minutes|分钟)\b")
PERCENT = re.compile(r"(\d{1,3})\s*%|百分之\s*(\d{1,3})|音量\s*(\d{1,3})")
QUOTED = re.compile(r"[\"“”「『《]([^\"“”」』》]{1,200})[\"“”」』》]|(?<![a-z])['‘’]([^'‘’]{1,200})['‘’](?![a-z])")
TITLE_AFTER = re.compile(
    r"(?:title|heading|headline|caption|text|subtitle|call it|name it|saying|says|that says|reading"
    r"|标题|片名|字幕|文字)"
    r"\s*(?:is|as|to|of|:|：|为|是|叫)?\s*[:：]?\s*([a-z0-9\u4e00-\u9fff][^,.!?;，。！？]{0,60})",
    re.IGNORECASE,
)
FILENAME = re.compile(r"\b([\w\-]+\.(?:mp4|mov|avi|webm|mkv))\b")
VIDEO_N = re.compile(r"\b(?:video|clip)\s*#?\s*(\d)\b")
TRACK_N = re.compile(r"\btrack\s*#?\s*(\d+)\b|第\s*(\d+)\s*(?:条|个)?\s*轨")
FADE_IN = re.compile(r"fade[\s-]*in\b|fades?\s+in\b|fade\s+(?:the\s+)?(?:music|bgm|audio|it)\s+in\b|淡入|渐入")
FADE_OUT = re.compile(
    r"fade[\s-]*out|fades?\s+out|fade\s+(?:the\s+)?(?:music|bgm|audio|it)\s+out|淡出|渐出|fade\s+(?:away|at\s+the\s+end)"
)
FADE_BOTH = re.compile(r"fade\s+(?:in\s+and\s+out|both|in/out)|淡入淡出|渐入渐出")
FADE_LENGTH = re.compile(
    rf"{NUMBER}\s*[- ]?{SECONDS_UNIT}\s*(?:long\s+)?fade|fade[\w\s-]{{0,12}}?(?:of|over|for)?\s*"
    rf"{NUMBER}\s*{SECONDS_UNIT}"
)
LOUDER = re.compile(
    r"\blouder\b|turn\s+(?:it|the\s+(?:music|volume|bgm|sound))?\s*up|\bboost\b|too\s+quiet|大声|响一点|大一点"
)
QUIETER = re.compile(
    r"\b(?:quieter|softer|lower)\b|turn\s+(?:it|the\s+(?:music|volume|bgm|sound))?\s*down|too\s+loud|小声一点|轻一点|低一点"
)
MUTE = re.compile(r"\bmute\b|静音")
HALF = re.compile(r"\bhalf\s+(?:the\s+)?volume\b|一半")
FULL = re.compile(r"\bfull\s+volume\b|\bmax(?:imum)?\s+volume\b|最大音量")
QUIET = re.compile(QUIET_WORDS)
MUSIC_WORD = re.compile(MUSIC)
TITLE_WORD = re.compile(TITLE)
TEXT_WORD = re.compile(TEXT)
VIDEO_WORD = re.compile(VIDEO)
SPLIT = re.compile(r"\s*(?:,|;|，|；|。|\band then\b|\bthen\b|\balso\b|\bplus\b|\band\b|然后|并且|再|以及|还有|和)\s*")
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
    'backround': 'background', 'backgroud': 'background', 'volumn': 'volume', 'volum': 'volume', 'secs': 'seconds',
    'seconts': 'seconds', 'sec.': 'seconds', 'jaz': 'jazz', 'clasical': 'classical', 'orchestal': 'orchestral',
    'verticle': 'vertical', 'squre': 'square', 'plz': 'please', 'pls': 'please', 'u': 'you', 'tracs': 'tracks',
    'timline': 'timeline', 'genrate': 'generate', 'genarate': 'generate', 'creat': 'create', 'fadein': 'fade in',
    'fadeout': 'fade out', 'hiphop': 'hip hop', 'lofi': 'lo-fi', "edm's": 'edm',
}
# fmt: on
"""Misspellings seen in real chats -> the word meant."""
