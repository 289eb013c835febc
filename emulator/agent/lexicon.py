"""The agent's music vocabulary: genres, instruments, moods and occasions (with their synonyms, comparatives and
Chinese words), each pointing at one of the synthesiser's styles (media/styles.py); and the tolerant reading of a
misspelt word (rapidfuzz), applied only where the near miss is unambiguous.

A message may name several: "sad piano for a wedding" has a mood, an instrument and an occasion. The style is
taken from the most concrete kind named (a genre, then an instrument, then a mood, then an occasion or theme) and
the next kind's word is kept as its modifier ("Sad piano"). Two different styles of the same kind ("jazz or
blues") compete: the reader asks which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

# fmt: off
GENRES: Mapping[str, tuple[str, ...]] = {
    "lo-fi": ("lo-fi", "lo fi", "lofi", "lo-fi hip hop", "chillhop", "低保真", "lofi风"),
    "hip-hop": ("hip hop", "hip-hop", "rap", "boom bap", "嘻哈", "说唱"),
    "trap": ("trap", "drill", "808"),
    "jazz": ("jazz", "jazzy", "jazzier", "swing", "bebop", "smooth jazz", "爵士", "爵士乐"),
    "blues": ("blues", "bluesy", "蓝调", "布鲁斯"),
    "classical": ("classical", "baroque", "mozart", "bach", "chamber music", "古典", "古典乐"),
    "orchestral": ("orchestral", "orchestra", "symphonic", "symphony", "管弦", "管弦乐", "交响", "交响乐"),
    "country": ("country", "western", "bluegrass", "cowboy", "乡村"),
    "folk": ("folk", "indie folk", "folksy", "民谣"),
    "rock": ("rock", "rock and roll", "rock n roll", "indie rock", "punk", "grunge", "摇滚"),
    "metal": ("metal", "heavy metal", "metalcore", "thrash", "金属", "重金属"),
    "edm": ("edm", "electronic", "electro", "dubstep", "电子", "电音", "电子乐"),
    "house": ("house", "deep house", "tech house"),
    "techno": ("techno", "rave", "科技舞曲"),
    "ambient": ("ambient", "drone", "氛围", "electronic ambient", "ambient electronic", "soundscape", "soundscapes"),
    "cinematic": ("cinematic", "film score", "movie score", "filmic", "电影感"),
    "funk": ("funk", "funky", "disco", "放克", "迪斯科"),
    "reggae": ("reggae", "ska", "dub", "雷鬼"),
    "latin": ("latin", "salsa", "bossa nova", "bossa", "samba", "tango", "拉丁"),
    "synthwave": ("synthwave", "vaporwave", "outrun", "80s", "eighties", "合成器浪潮"),
    "corporate": ("corporate", "corporate pop"),
    "chill": ("r&b", "rnb", "r and b", "soul", "neo-soul", "节奏布鲁斯"),
    "chinese": ("chinese traditional", "traditional chinese", "chinese", "中国风", "古风", "国风", "民乐"),
}
"""Genres proper (a style in itself; `pop` is played as upbeat)."""
INSTRUMENTS: Mapping[str, str] = {
    "piano": "piano", "solo piano": "piano", "keys": "piano", "钢琴": "piano", "钢琴曲": "piano",
    "guitar": "acoustic", "acoustic guitar": "acoustic", "acoustic": "acoustic", "unplugged": "acoustic",
    "ukulele": "acoustic", "uke": "acoustic", "吉他": "acoustic", "原声": "acoustic", "尤克里里": "acoustic",
    "banjo": "country", "violin": "orchestral", "violins": "orchestral", "strings": "orchestral",
    "string": "orchestral", "cello": "orchestral", "小提琴": "orchestral", "大提琴": "orchestral", "弦乐": "orchestral",
    "saxophone": "jazz", "sax": "jazz", "trumpet": "jazz", "萨克斯": "jazz", "synth": "synthwave",
    "synths": "synthwave", "synthesizer": "synthwave", "合成器": "synthwave", "drums": "energetic",
    "drum": "energetic", "percussion": "energetic", "鼓": "energetic", "erhu": "chinese", "guzheng": "chinese",
    "pipa": "chinese", "二胡": "chinese", "古筝": "chinese", "琵琶": "chinese", "organ": "classical",
    "choir": "epic", "electric guitar": "rock", "distorted guitar": "rock", "brass": "orchestral",
    "horns": "jazz", "bells": "holiday", "sleigh bells": "holiday", "bass": "funk", "bassline": "funk",
}
MOODS: Mapping[str, str] = {
    "happy": "happy", "happier": "happy", "cheerful": "happy", "cheerier": "happy", "joyful": "happy",
    "joyous": "happy", "fun": "happy", "playful": "happy", "bright": "happy", "brighter": "happy", "sunny": "happy",
    "欢快": "happy", "明亮": "happy", "轻快": "upbeat", "明快": "upbeat", "活泼": "upbeat",
    "快乐": "happy", "开心": "happy", "愉快": "happy", "sad": "sad", "sadder": "sad",
    "melancholy": "sad", "melancholic": "sad", "emotional": "sad", "somber": "sad", "sombre": "sad",
    "heartbreaking": "sad", "悲伤": "sad", "伤感": "sad", "难过": "sad", "chill": "chill", "chiller": "chill",
    "chillout": "chill", "chill out": "chill", "relaxed": "chill", "laid-back": "chill", "laid back": "chill",
    "mellow": "chill", "mellower": "chill", "easygoing": "chill", "轻松": "chill", "放松": "chill", "惬意": "chill",
    "calm": "calm", "calmer": "calm", "peaceful": "calm", "relaxing": "calm", "soothing": "calm", "serene": "calm",
    "tranquil": "calm", "zen": "calm", "平静": "calm", "舒缓": "calm", "宁静": "calm", "安静的": "calm",
    "epic": "epic", "heroic": "epic", "grand": "epic", "majestic": "epic", "triumphant": "epic", "inspiring": "epic",
    "史诗": "epic", "壮丽": "epic", "大气": "epic", "tense": "tense", "tension": "tense", "dark": "tense",
    "darker": "tense", "moody": "tense", "intense": "tense", "ominous": "tense", "紧张": "tense", "黑暗": "tense",
    "suspense": "suspense", "suspenseful": "suspense", "mysterious": "suspense", "mystery": "suspense",
    "eerie": "suspense", "creepy": "suspense", "spooky": "suspense", "spookier": "suspense", "scary": "suspense",
    "悬疑": "suspense", "神秘": "suspense", "恐怖": "suspense", "romantic": "romantic", "tender": "romantic",
    "sweet": "romantic", "dreamy": "ambient", "atmospheric": "ambient", "spacey": "ambient", "空灵": "ambient",
    "浪漫": "romantic", "温馨": "romantic", "温暖": "romantic", "heartwarming": "romantic", "upbeat": "upbeat",
    "positive": "upbeat", "catchy": "upbeat",
    "feel-good": "upbeat", "feel good": "upbeat", "uplifting": "upbeat", "动感": "upbeat", "energetic": "energetic",
    "energy": "energetic", "powerful": "energetic", "hype": "energetic", "pumped": "energetic",
    "driving": "energetic", "lively": "energetic", "livelier": "energetic", "motivational": "energetic",
    "活力": "energetic", "激情": "energetic", "热血": "energetic", "dramatic": "dramatic", "戏剧性": "dramatic",
    "cute": "kids", "whimsical": "kids", "可爱": "kids", "童趣": "kids", "groovy": "funk", "retro": "synthwave",
    "复古": "synthwave", "复古风": "synthwave", "festive": "holiday", "nostalgic": "sad", "wistful": "sad",
    "bittersweet": "sad",
    "怀旧": "sad", "gloomy": "sad", "depressing": "sad", "bleak": "sad", "funny": "happy", "comedic": "happy",
    "humorous": "happy", "comical": "happy", "goofy": "happy",
    "serious": "dramatic", "intriguing": "suspense", "victorious": "epic", "inspirational": "epic",
    "angry": "tense", "aggressive": "tense", "confrontational": "tense", "reflective": "calm", "contemplative": "calm",
    "thoughtful": "calm", "introspective": "calm", "heartfelt": "romantic", "haunting": "suspense",
    "hopeful": "upbeat", "optimistic": "upbeat", "uptempo": "energetic",
    "fast-paced": "energetic", "high-energy": "energetic",
    "vibrant": "energetic", "adventurous": "epic", "adventure": "epic", "warm": "acoustic", "warmer": "acoustic",
    "cozy": "acoustic", "cosy": "acoustic", "忧郁": "sad", "忧伤": "sad", "轻盈": "chill",
    "faster music": "energetic", "faster song": "energetic", "faster track": "energetic", "faster tempo": "energetic",
    "slower music": "calm", "slower song": "calm", "slower track": "calm", "slower tempo": "calm",
}
OCCASIONS: Mapping[str, str] = {
    "wedding": "romantic", "valentine": "romantic", "valentine's": "romantic", "anniversary": "romantic",
    "love story": "romantic", "婚礼": "romantic", "爱情": "romantic", "birthday": "happy", "生日": "happy",
    "party": "edm", "club": "edm", "dance": "edm", "派对": "edm", "christmas": "holiday", "xmas": "holiday",
    "holiday": "holiday", "new year": "holiday", "圣诞": "holiday", "圣诞节": "holiday", "节日": "holiday",
    "新年": "holiday", "春节": "holiday", "workout": "energetic", "gym": "energetic", "sports": "energetic",
    "fitness": "energetic", "running": "energetic", "健身": "energetic", "运动": "energetic", "study": "lo-fi",
    "studying": "lo-fi", "focus": "lo-fi", "coffee shop": "lo-fi", "cafe": "lo-fi", "学习": "lo-fi",
    "road trip": "upbeat", "travel": "upbeat", "vacation": "upbeat", "vlog": "upbeat", "旅行": "upbeat",
    "旅游": "upbeat", "trailer": "epic", "halloween": "suspense", "horror": "suspense", "万圣节": "suspense",
    "meditation": "calm", "yoga": "calm", "spa": "calm", "sleep": "calm", "冥想": "calm", "瑜伽": "calm",
    "corporate": "corporate", "business": "corporate", "presentation": "corporate", "commercial": "corporate",
    "product demo": "corporate", "startup": "corporate", "商务": "corporate", "企业": "corporate",
    "宣传": "corporate", "kids": "kids", "children": "kids", "childrens": "kids", "cartoon": "kids",
    "儿童": "kids", "memorial": "sad", "funeral": "sad", "farewell": "sad", "documentary": "cinematic",
    "birthday party": "happy", "wedding party": "romantic", "dance party": "edm", "christmas party": "holiday",
    "pool party": "happy", "pop": "upbeat", "poppy": "upbeat", "流行": "upbeat", "k-pop": "upbeat", "j-pop": "upbeat",
    "dance pop": "upbeat",
    "film": "cinematic", "movie": "cinematic", "action": "energetic", "action scene": "energetic", "电影": "cinematic",
    "纪录片": "cinematic", "anime": "cinematic", "动漫": "cinematic", "thriller": "suspense", "crime": "suspense",
    "sci-fi": "ambient", "scifi": "ambient", "science fiction": "ambient", "科幻": "ambient", "battle": "epic",
    "boss battle": "epic", "fight": "energetic", "exploration": "ambient", "nature": "calm", "forest": "calm",
    "jingle": "upbeat", "ad jingle": "upbeat", "广告": "upbeat",
}
"""Occasions and themes count only where the clause speaks of music ("wedding music", not "a wedding video")."""
# fmt: on
KIND_ORDER = ("genre", "instrument", "mood", "occasion")
PLAYED_AS: dict[str, str] = {}
"""Genres the synthesiser plays as another style."""


@dataclass(frozen=True, slots=True)
class Hit:
    style: str
    kind: str
    word: str
    start: int
    end: int


def _pattern(word: str) -> str:
    esc = re.escape(word).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if word.isascii() else esc


def _rows() -> list[tuple[str, str, str]]:
    """(word, style, kind) of the whole vocabulary."""
    rows = [(w, s, "genre") for s, words in GENRES.items() for w in words]
    rows += [(w, s, "instrument") for w, s in INSTRUMENTS.items()]
    rows += [(w, s, "mood") for w, s in MOODS.items()]
    rows += [(w, s, "occasion") for w, s in OCCASIONS.items()]
    return rows


@cache
def _table() -> list[tuple[re.Pattern[str], str, str, str]]:
    rows = sorted(_rows(), key=lambda r: -len(r[0]))
    return [(re.compile(_pattern(w)), w, s, k) for w, s, k in rows]


def hits(text: str, occasions: bool = True) -> list[Hit]:
    """Every style word in `text`, longest first where two overlap ("lo-fi hip hop" is one genre)."""
    found: list[Hit] = []
    for pattern, word, style, kind in _table():
        if kind == "occasion" and not occasions:
            continue
        for m in pattern.finditer(text):
            if not any(h.start < m.end() and m.start() < h.end for h in found):
                found.append(Hit(PLAYED_AS.get(style, style), kind, word, m.start(), m.end()))
    return sorted(found, key=lambda h: h.start)


@dataclass(frozen=True, slots=True)
class Reading:
    style: str | None
    modifier: str | None = None
    """The next kind's word, kept for the track's label ("sad" of "sad piano")."""
    rivals: tuple[str, ...] = ()
    """Two or more styles of the same, most concrete kind: the message does not say which."""


def read(text: str, occasions: bool = True) -> Reading:
    """The style a clause names, its modifier, or its rival readings."""
    found = hits(text, occasions)
    for i, kind in enumerate(KIND_ORDER):
        same = [h for h in found if h.kind == kind]
        styles = list(dict.fromkeys(h.style for h in same))
        if not styles:
            continue
        if len(styles) == 2 and kind == "occasion" and _compound(text, same):
            return Reading(same[0].style, same[-1].word)  # "horror trailer": the first word says which trailer
        if len(styles) > 1:
            return Reading(None, rivals=tuple(styles))
        modifier = next((h.word for h in found if h.kind in KIND_ORDER[i + 1 :] and h.style != styles[0]), None)
        return Reading(styles[0], modifier)
    return Reading(None)


def _compound(text: str, same: list[Hit]) -> bool:
    """Two occasion words side by side, the first naming the kind of the second ("halloween party")."""
    return len(same) == 2 and not text[same[0].end : same[1].start].strip()


# -- misspellings ----------------------------------------------------------------------------------------------

FUZZY_MIN_LEN = 4
FUZZY_SCORE = 80.0
"""rapidfuzz's normalised similarity (0–100) a misspelling needs to be read as a vocabulary word."""
FUZZY_MARGIN = 8.0
"""How far ahead of the runner-up the best candidate must be: otherwise the near miss is ambiguous."""
NOUNS = ("music", "title", "video", "volume", "background", "soundtrack", "caption", "subtitle", "melody")
SPELLED = {"hiphop": "hip hop", "lofi": "lo-fi", "chillhop": "chillhop", "synthwave": "synthwave"}
NOT_FUZZY = {"bach", "mozart", "rave", "drone", "grand", "dark", "sweet", "fun", "energy", "focus", "film", "movie",
             "club", "dance", "party", "sleep", "running", "travel", "string", "keys", "bass", "bright", "sunny"}
"""Words that are too ordinary (or proper names) to be the target of a correction."""


@cache
def _vocabulary() -> dict[str, str]:
    """candidate word -> what it stands for (a style, or a noun itself)."""
    styled = {w: s for w, s, _ in ((w, s, k) for w, s, k in _rows()) if w.isascii() and w.isalpha()}
    out = {w: s for w, s in styled.items() if len(w) >= 4 and w not in NOT_FUZZY}
    out.update({w: w for w in NOUNS})
    out.update({w: styled.get(w.split()[0], w) for w in SPELLED})
    return out


def fix(token: str) -> str | None:
    """The vocabulary word `token` clearly misspells ("clasicall" -> classical, "jazzz" -> jazz), or None.

    Only the words where a style or a noun is expected are offered (the reader picks them: the object of "add",
    the word before "music"), so that an ordinary word is never read as a near-miss. Two candidates that stand for
    the same style ("electro", "electronic") are one reading; two that do not, within FUZZY_MARGIN, are ambiguous.
    """
    token = token.replace("-", "")
    if len(token) < 5 or not token.isalpha() or not token.isascii():
        return None
    vocabulary = _vocabulary()
    if token in vocabulary:
        return SPELLED.get(token, token)
    from rapidfuzz import fuzz, process  # here, not above: its libraries are 3 MB, and most messages never need it
    best = process.extract(token, list(vocabulary), scorer=fuzz.ratio, limit=5)
    if not best or best[0][1] < FUZZY_SCORE:
        return None
    top = vocabulary[best[0][0]]
    rival = next((score for word, score, _ in best[1:] if vocabulary[word] != top), 0.0)
    if best[0][1] - rival < FUZZY_MARGIN or best[0][0][0] != token[0]:
        return None  # a misspelling keeps its first letter: "render" is not "tender", "shorts" not "sports"
    return SPELLED.get(best[0][0], best[0][0])
