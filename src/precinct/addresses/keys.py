"""Search keys of an address: normalised text, pinyin and pinyin initials (pypinyin), English words.

An address is searched two ways (see :mod:`precinct.addresses.index`): Chinese characters by
substring of its searchable text, and Latin letters and digits by prefix of its tokens. The tokens
are, for each part that has Chinese characters, its full pinyin and its initials (解放大道 ->
``jiefangdadao``, ``jfdd``; 688号 -> ``688hao``, ``688h``), and the words of its Latin text
(English names, OpenStreetMap's Latin street names, house numbers). They are computed once, when the
address is stored, and kept in ``addresses.search_keys``.

A word may start inside a part (江汉区解放大道688号, written as one text): so each run of Chinese
characters also gives the pinyin and initials from every later syllable to the end of the run
(``jiefangdadao``, ``jfdd``, ``dadao``, ``dd``, ...). No dictionary tells the words of an address
(pypinyin's segmentation splits 洪山区 as 洪 + 山区), so every syllable is a start; the tokens
are bounded: at least :data:`MIN_INNER_SYLLABLES` syllables each, from at most
:data:`MAX_INNER_STARTS` starts per run.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
LATIN_RUN = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_TERM = re.compile(f"[{_CJK}]+|[0-9a-z\u00c0-\u024f]+")
MAX_QUERY_LENGTH = 64
MIN_INNER_SYLLABLES = 2
"""The shortest tail of a run that gets its own tokens (``dao`` alone would match every 道)."""
MAX_INNER_STARTS = 10
"""The most starts inside one run of Chinese characters that get tokens (a long name stays bounded)."""


def normalise(text: str) -> str:
    """Return ``text`` in NFKC (full-width letters and digits become half-width), lower case, one space apart."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return CJK_RUN.search(text) is not None


@lru_cache(maxsize=200_000)
def pinyin_tokens(part: str) -> tuple[str, ...]:
    """Return the full pinyin and the initials of a part with Chinese characters (digits kept whole).

    >>> pinyin_tokens("解放大道")
    ('jiefangdadao', 'jfdd')
    """
    syllables = [s.lower() for s in lazy_pinyin(normalise(part), style=Style.NORMAL, errors="default")]
    syllables = [re.sub(r"[^0-9a-z]", "", s) for s in syllables]
    syllables = [s for s in syllables if s]
    if not syllables:
        return ()
    full = "".join(syllables)
    initials = "".join(s if s.isdigit() else s[0] for s in syllables)
    return (full, initials) if initials != full else (full,)


@lru_cache(maxsize=200_000)
def inner_pinyin_tokens(run: str, first: int = 1) -> tuple[str, ...]:
    """Return the full pinyin and the initials from each syllable of a run of Chinese characters to its end.

    The starts are syllable ``first`` (1: the run's start has its tokens already) and the ones after
    it, up to :data:`MAX_INNER_STARTS` of them, each leaving at least :data:`MIN_INNER_SYLLABLES`.

    >>> inner_pinyin_tokens("江汉区解放")
    ('hanqujiefang', 'hqjf', 'qujiefang', 'qjf', 'jiefang', 'jf')
    """
    syllables = [re.sub(r"[^a-z]", "", s.lower()) for s in lazy_pinyin(run, style=Style.NORMAL, errors="default")]
    tokens: list[str] = []
    for start in range(first, min(len(syllables) - MIN_INNER_SYLLABLES + 1, first + MAX_INNER_STARTS)):
        tail = [s for s in syllables[start:] if s]
        if len(tail) >= MIN_INNER_SYLLABLES:
            tokens += ["".join(tail), "".join(s[0] for s in tail)]
    return tuple(dict.fromkeys(tokens))


def search_keys(*parts: str, text: str = "") -> str:
    """Return the space-separated search tokens of an address's parts (name, road, district, ...) and its text.

    The tokens of each part's start come first, then those from inside its runs of Chinese
    characters (:func:`inner_keys`).
    """
    tokens: list[str] = []
    for part in (*parts, text):
        for piece in normalise(part).split():
            if has_cjk(piece):
                tokens.extend(pinyin_tokens(piece))
            tokens.extend(LATIN_RUN.findall(piece))
    return " ".join(dict.fromkeys(tokens + inner_keys(*parts, text=text).split()))  # unique, in order


def inner_keys(*parts: str, text: str = "") -> str:
    """Return the space-separated tokens from inside the runs of Chinese characters of the parts and the text.

    The whole ``text`` gives them only for a run the parts do not hold (an address stored as one
    text; a name the parts leave out): the parts' own starts are the words of the rest.
    """
    tokens: list[str] = []
    covered = "".join(normalise(p).replace(" ", "") for p in parts)
    for part, whole in [*((p, False) for p in parts), (text, True)]:
        for piece in normalise(part).split():
            for run in CJK_RUN.finditer(piece):
                if not (whole and run.group() in covered):
                    tokens.extend(inner_pinyin_tokens(run.group(), 1 if run.start() == 0 else 0))
    return " ".join(dict.fromkeys(tokens))


def searchable_text(text: str, *parts: str, text_en: str = "") -> str:
    """Return the text Chinese queries are matched in: the parts one space apart, the text, the English text.

    The parts (name, district, road, number, building, unit) come first so that a match at the
    start of one ranks as a start-of-word match; the whole text follows for queries that run across
    parts (江汉区解放).
    """
    spaced = " ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    return normalise(" ".join(t for t in (spaced, text if text != spaced else "", text_en) if t))


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """Split a query into its Chinese runs (matched as substrings) and Latin/digit runs (matched as token prefixes).

    >>> query_terms("解放大道 688")
    (['解放大道'], ['688'])
    """
    cjk: list[str] = []
    latin: list[str] = []
    for term in _TERM.findall(normalise(query)[:MAX_QUERY_LENGTH]):
        (cjk if has_cjk(term) else latin).append(term)
    return cjk, latin
