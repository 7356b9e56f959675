"""A search result's excerpt on PostgreSQL: the words of the account around its matches, each match marked.

PostgreSQL's ``ts_headline`` re-parses each account and stems every word of it to find the few it marks. Measured
at a million testimonies over the benchmark's 82 searches, 25 accounts each (``bench/excerpts.py``): 11.2 ms of the
database's time a page on average, the texts' fetch included; cut here, 3.8 ms. Here only the words that could
stem like a searched word are stemmed (those that start as a searched word's stem does), with Snowball's English
and Russian stemmers, the ones PostgreSQL's configuration uses, in C through PyStemmer.

A searched word and an account's word are both stemmed here, the same way, so a word is marked wherever it stems
like a searched one. The choice of stemmer is made after folding accents, where PostgreSQL chooses before
(its ``unaccent`` comes after the parser has sorted ASCII words from others), so a stem may differ from
PostgreSQL's to the letter: the marks do not. Over those 2,050 accounts every word ``ts_headline`` marked is marked
here. Which rows match is still PostgreSQL's decision alone; a row found only by its title, place or tags shows
the start of its account, as ``ts_headline`` did.

SQLite keeps FTS5's ``snippet()``, which works inside the scan that finds the matches and costs nothing more.
"""

import bisect
import functools
import re
import threading
import unicodedata

import Stemmer

from .terms import WORD as _WORD
from .terms import is_stop_word

_CLINGS = re.compile(r"[^\w\s]{0,10}")  # punctuation with no space between it and a word: «quotes», a full stop
_PUNCTUATION = re.compile(r"[^\w\s]")
# Up to three words joined to a fragment's first or last one by a hyphen or an apostrophe, from a word's start.
_JOINED_BEFORE = re.compile(r"(?<![\w'’-])(?:[^\W_]+[-'’]){1,3}\Z")
_JOINED_AFTER = re.compile(r"(?:[-'’][^\W_]+){1,3}(?![-'’]?\w)")
_JOINER = re.compile(r"(?<=\w)[-'’]")
_stemmers = threading.local()  # PyStemmer's stemmers are not safe to share between threads
MAX_PER_WORD = 500  # matches of one searched word looked at in an account: more than a real one holds
CANDIDATES_CUT = 4  # fragments cut to check the estimate, at most, per fragment chosen
_CHARS_PER_WORD = 7  # a word and the space after it, on average: to judge a fragment's reach without splitting


def fold(word: str) -> str:
    """A word lower-cased and without accents ("Zhanaözen" → "zhanaozen", "чёрной" → "черной")."""
    word = word.lower()
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """The word's stem for marking it: after :func:`fold`, digits as they are, ASCII letters through Snowball's English
    stemmer and any other letters through its Russian one, as PostgreSQL's configuration sends them (see the module's
    docstring for where the two can differ)."""
    word = fold(word)
    if not word.isalpha():
        return word
    language = "english" if word.isascii() else "russian"
    stemmer = getattr(_stemmers, language, None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer(language)
        setattr(_stemmers, language, stemmer)
    return stemmer.stemWord(word)


@functools.cache
def _variants() -> dict:
    """Each folded letter → every letter of the Latin and Cyrillic blocks that folds to it, upper and lower case."""
    variants: dict = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x400, 0x530)]:
        ch = chr(code)
        folded = fold(ch)
        if len(folded) == 1:
            variants.setdefault(folded, set()).add(ch)
    return {letter: "".join(sorted(chars | {letter, letter.upper()})) for letter, chars in variants.items()}


def _loose(prefix: str) -> str:
    """A regular expression for ``prefix`` (folded) that also matches its accented and upper-case spellings."""
    variants = _variants()
    return "".join(f"[{re.escape(variants[ch])}]" if ch in variants else re.escape(ch) for ch in prefix)


class Highlighter:
    """The searched words of one query, and :meth:`excerpt` to cut and mark an account with them."""

    def __init__(self, terms, *, words: int, fragments: int = 2, ellipsis: str = "…", start="", stop=""):
        searched = [word for term in terms for word in _WORD.findall(term) if not is_stop_word(word)]
        self.stems = {stem(word) for word in searched}
        self.words, self.fragments, self.ellipsis = words, fragments, ellipsis
        self.start, self.stop = start, stop
        self.lead = words // 4  # words shown before a fragment's first match
        prefixes = sorted({_prefix(s) for s in self.stems}, key=len, reverse=True)
        self._candidates = re.compile(
            r"\b(?:" + "|".join(_loose(p) for p in prefixes) + r")\w*" if prefixes else r"(?!)"
        )

    def marked(self, text: str) -> list:
        """``(start, end, stem)`` of the words of ``text`` that stem like a searched word, in order (at most
        :data:`MAX_PER_WORD` of each searched word)."""
        found, seen, full = [], dict.fromkeys(self.stems, 0), 0
        # Searched in a copy with underscores as spaces (the same length), so that "\b" parts words as _WORD does.
        for match in self._candidates.finditer(text.replace("_", " ") if "_" in text else text):
            word_stem = stem(match.group())
            if seen.get(word_stem, MAX_PER_WORD) < MAX_PER_WORD:
                found.append((*match.span(), word_stem))
                seen[word_stem] += 1
                if seen[word_stem] == MAX_PER_WORD:
                    full += 1
                    if full == len(seen):
                        break
        return found

    def excerpt(self, text: str) -> str:
        """Up to ``fragments`` runs of about ``words`` words of ``text``, each chosen for the most searched words it
        holds (different ones first), in the account's order, every match between ``start`` and ``stop``, and an
        ellipsis wherever text is left out. No match: the account's first ``words`` words. No word: "".

        Only the text around the matches is split into words: splitting a whole account cost more than
        ``ts_headline``'s own work."""
        text = _without_sentinels(unicodedata.normalize("NFC", text or ""))
        if not _WORD.search(text):
            return ""
        marked = self.marked(text)
        fragments, left, shown = [], marked, set()
        while left and len(fragments) < self.fragments:
            begin, end = self._best_fragment(text, left, shown)
            fragments.append((begin, end))
            shown |= {word_stem for start, _, word_stem in left if begin <= start < end}
            left = [match for match in left if not begin <= match[0] < end]
        fragments = sorted(fragments) or [self._fragment(text, 0)]
        merged = [fragments[0]]
        for begin, end in fragments[1:]:
            if not _WORD.search(text, merged[-1][1], begin):  # nothing left out between them: one fragment
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((begin, end))
        pieces = [self._mark(text, begin, end, [m for m in marked if begin <= m[0] < end]) for begin, end in merged]
        out = f" {self.ellipsis} ".join(pieces)
        if _WORD.search(text, 0, merged[0][0]):
            out = f"{self.ellipsis} {out}"
        if _WORD.search(text, merged[-1][1]):
            out = f"{out} {self.ellipsis}"
        return out

    def stems_in(self, text: str) -> set:
        """The stems of the searched words ``text`` holds."""
        return {word_stem for _, _, word_stem in self.marked(_without_sentinels(text))} if text else set()

    def holds(self, text: str) -> bool:
        """Whether ``text`` holds a word that stems like a searched one."""
        return bool(self.stems_in(text))

    def mark(self, text: str) -> str:
        """All of a short ``text`` (a title, a place's name) as it is stored, every word that stems like a searched
        one between ``start`` and ``stop``."""
        text = _without_sentinels(text or "")
        return self._mark(text, 0, len(text), self.marked(text))

    def _best_fragment(self, text: str, marked: list, shown: set) -> tuple:
        """``(begin, end)`` of the fragment holding the most different searched words not ``shown`` by another
        fragment, then the most different ones, then the most matches, then the earliest, starting :attr:`lead`
        words before one of ``marked``. Candidates are ranked on an estimate of
        a fragment's reach in characters, which needs no splitting into words; the best is then cut, and if it holds
        less than estimated (short words), the next ones too, up to :data:`CANDIDATES_CUT`."""
        offsets = [start for start, _, _ in marked]
        by_stem: dict = {}
        for start, _, word_stem in marked:
            by_stem.setdefault(word_stem, []).append(start)

        def score(begin, end):
            held = {word_stem for word_stem, starts in by_stem.items() if _holds(starts, begin, end)}
            count = bisect.bisect_left(offsets, end) - bisect.bisect_left(offsets, begin)
            return (len(held - shown), len(held), count)

        reach = (self.words - self.lead) * _CHARS_PER_WORD
        ranked = sorted(dict.fromkeys(offsets), key=lambda at: (*score(at, at + reach), -at), reverse=True)
        best = None
        for at in ranked[:CANDIDATES_CUT]:
            fragment = self._fragment(text, at)
            held = (*score(*fragment), -fragment[0])
            if best is None or held > best[0]:
                best = (held, fragment)
            if held[:3] >= score(at, at + reach):
                break  # it holds what it was ranked for: no other can hold more
        return best[1]

    def _fragment(self, text: str, at: int) -> tuple:
        """``(begin, end)`` offsets of a fragment: :attr:`lead` words before offset ``at``, then words up to
        ``words`` in all, with the punctuation that clings to its first and last words."""
        lead = self.lead if at else 0
        since = max(0, at - lead * _CHARS_PER_WORD * 2)
        before = [match.start() for match in _WORD.finditer(text, since, at)]
        if before and before[0] == since and since > 0 and _WORD.match(text, since - 1):
            before = before[1:]  # the end of a word cut in two
        begin = before[-min(lead, len(before))] if lead and before else at
        end = begin
        for count, match in enumerate(_WORD.finditer(text, begin), 1):
            end = match.end()
            if count == self.words:
                break
        # Whole compounds ("Из-за", "Alma-Ata", "O'Brien") at either end, then the punctuation that clings on.
        joined = _JOINED_BEFORE.search(text, max(0, begin - 80), begin)
        if joined:
            begin = joined.start()
        joined = _JOINED_AFTER.match(text, end, end + 80)
        if joined:
            end = joined.end()
        for _ in range(10):
            if begin == 0 or not _PUNCTUATION.match(text, begin - 1) or _JOINER.match(text, begin - 1):
                break  # (a hyphen or an apostrophe stuck to a word before it is part of that word)
            begin -= 1
        return begin, _CLINGS.match(text, end).end()

    def _mark(self, text: str, begin: int, end: int, inside: list) -> str:
        out, at = [], begin
        for start, stop, _ in inside:
            out += [text[at:start], self.start, text[start:stop], self.stop]
            at = stop
        out.append(text[at:end])
        return "".join(out)


def _without_sentinels(text: str) -> str:
    """``text`` without querying.HIGHLIGHT_START and _STOP: only the marks put in here may hold them."""
    if "\ue000" in text or "\ue001" in text:
        return text.replace("\ue000", "").replace("\ue001", "")
    return text


def _prefix(word_stem: str) -> str:
    """What every word with this stem starts with (folded). The Russian stemmer only takes endings off; the English
    one changes at most the stem's last letter ("hoping" → "hope", "army" → "armi"), but for three words."""
    if not word_stem.isascii() or not word_stem.isalpha():
        return word_stem
    if word_stem in ("die", "lie", "tie"):  # dying, lying, tying
        return word_stem[0]
    return word_stem[: max(1, len(word_stem) - 1)]


def _holds(offsets: list, begin: int, end: int) -> bool:
    """Whether the sorted ``offsets`` hold one from ``begin`` up to ``end``."""
    n = bisect.bisect_left(offsets, begin)
    return n < len(offsets) and offsets[n] < end
