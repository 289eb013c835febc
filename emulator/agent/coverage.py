"""How much of a clause the reader accounted for: an edit read from a clause with several words the reader has no
use for is more likely a misreading than an edit ("I want the beat pushed further back in the mix" is not "add a
beat"), so such a clause turns the message into a question.

The vocabulary is every word the reader's own tables and patterns name, plus the words that carry no request
("the", "could", "please"); a title's words and a new clip's description are the user's own, so they do not count.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType

from nemo_emulator.agent import amounts, cut_clause, grammar, lexicon, music_clause, slots, text_clause

UNEXPLAINED_LIMIT = 1
"""A clause with this many words the reader has no use for is not acted on (measured on phrasings from other
projects: one word halves the misreads that two lets through, at the cost of a few more questions)."""
_FUNCTION_TEXT = """
a an the to of in on at for with from by and or but so it this that these those is are was were be been being i me my
we our us you your please can could would will should just also too very really some any more less now then there here
up down out off over under into onto about like want wanted need make made get let have has had do does did done go
going goes put give gave bit little lot way much one two three all every each only again still not no yes ok okay
thanks thank hey hi something thing things stuff kind sort what which how when where why who its i'd i'm i'll don't
can't cannot doesn't isn't won't dont cant im id ill whole entire am as if than because while though maybe perhaps
actually right sure think feel looks look see new same other another them they their he she his her him mine yours
anything everything nothing mind roughly around approximately nearly almost exactly about must shall gotta
anyway anyhow
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
"""Words that carry no request by themselves."""
_EVERYDAY_TEXT = (
    "colour color mark cover action bouncy sound sounds vibe vibes feel feeling style nice good cool great"
    " sweet fun pretty lovely perfect awesome amazing better best clip video song track free warm lush minimal"
    " minimalist mid-tempo frame exclamation pace section sections file suit suits suited fit fits"
)
_EVERYDAY = frozenset(_EVERYDAY_TEXT.split())
"""Words of everyday requests that the patterns spell differently or only as part of a phrase."""
_CHINESE_TEXT = (
    "的 了 把 给 请 我 你 它 要 想 吧 呢 啊 吗 就 也 都 再 还 和 跟 让 将 被 在 从"
    " 到 为 是 有 没 不 很 太 更 最 点 些 个 条 首 段 下 帮我 一下 这个 那个 我的"
    " 一点 一些 可以 能不能 麻烦 谢谢 现在 然后 我们 一段 一个 一首 做成 适合"
    " 这里 这段 整个 全部 所有 慢慢 慢慢地 整体 一起 同时 轻轻 直接 马上 立刻 稍稍 位置 屏幕 画面 不好意思 能"
)
_CHINESE_FUNCTION = frozenset(_CHINESE_TEXT.split())
"""Chinese words that carry no request by themselves (the reader matches the rest as phrases, not words)."""
_ESCAPE = re.compile(r"\\[a-zA-Z]")
_WORD = re.compile(r"(?<![0-9a-z])[a-z][a-z'-]*[a-z]|(?<![0-9a-z])[a-z]")
"""A word; letters run on from a number ("1080p", "4k", "60fps") are part of the amount, not a word."""
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every word named by the reader's tables and patterns (read once, from the modules themselves)."""
    found: set[str] = set()

    def add(text: str) -> None:
        found.update(_WORD.findall(_ESCAPE.sub(" ", text.lower())))
        found.update(_HAN.findall(text))  # Chinese phrases, as the patterns spell them

    modules: tuple[ModuleType, ...] = (grammar, lexicon, amounts, music_clause, text_clause, cut_clause, slots)
    for module in modules:
        for value in vars(module).values():
            for item in _strings(value):
                add(item)
    return frozenset(found) | _FUNCTION_WORDS


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, re.Pattern):
        return [str(value.pattern)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, set | frozenset | tuple | list):
        return [s for item in value for s in _strings(item)]
    return []


def unexplained(clause: str, own_words: list[str]) -> list[str]:
    """The clause's words the reader has no use for; `own_words` (title text, a clip's description) are the
    user's and are left out."""
    text = grammar.QUOTED.sub(" ", clause)
    for words in own_words:
        text = re.sub(rf"(?<![a-z]){re.escape(words.lower())}(?![a-z])", " ", text)  # whole words: "a" is not every a
    known = vocabulary()
    return [w for w in _WORD.findall(text) if not _known(w, known)] + [
        run for phrase in _HAN.findall(text) for run in _uncovered(phrase, known) if len(run) >= 2
    ]


def _uncovered(phrase: str, known: frozenset[str]) -> list[str]:
    """The runs of a Chinese phrase that no known phrase covers (longest known phrase first, left to right)."""
    runs: list[str] = []
    miss, i = "", 0
    while i < len(phrase):
        size = next((n for n in range(min(8, len(phrase) - i), 0, -1)
                     if phrase[i : i + n] in known or phrase[i : i + n] in _CHINESE_FUNCTION), 0)  # fmt: skip
        if size:
            runs, miss, i = ([*runs, miss] if miss else runs), "", i + size
        else:
            miss, i = miss + phrase[i], i + 1
    return [*runs, miss] if miss else runs


def _known(word: str, known: frozenset[str]) -> bool:
    """The word, its stem ("turning" is turn, "making" is make, "songs" is song), or a misspelt style word."""
    if word in known or word in _EVERYDAY:
        return True
    if "-" in word and all(_known(part, known) for part in word.split("-") if part):
        return True  # "fade-in", "lower-third"
    for suffix in _SUFFIXES:
        stem = word.removesuffix(suffix)
        if stem != word and (stem in known or stem + "e" in known or (len(stem) > 2 and stem[-1] == stem[-2]
                                                                      and stem[:-1] in known)):
            return True
    return len(word.replace("-", "")) >= 5 and lexicon.fix(word) is not None  # "clasicall", "hip-hopp": corrected


_SUFFIXES = ("'s", "ing", "ed", "es", "s", "er", "ly")


def odd_words(clauses: list[str], own_words: list[str]) -> list[str]:
    """The words of the first clause the reader could not account for, when there are enough to doubt it."""
    for clause in clauses:
        if len(found := unexplained(clause, own_words)) >= UNEXPLAINED_LIMIT:
            return found
    return []
