"""The reader's text, parsed once for both engines: which terms must match, which must not, and what is too
common or too long to search for. Every term reaches the engine quoted (see :mod:`testimony.search`)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_QUERY_LENGTH = 200  # characters

# Words too common to search for: PostgreSQL's English and Russian stop lists (Snowball's, shipped in
# tsearch_data/english.stop and russian.stop), which PostgreSQL drops from every query. Dropping them here too, on
# both engines, keeps "men in balaclavas" meaning the same on SQLite (which has no stop words) as on PostgreSQL, and
# lets a query made only of them say so instead of silently finding nothing.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
    its itself they them their theirs themselves what which who whom this that these those am is are was were be been
    being have has had having do does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some such no nor not only
    own same so than too very s t can will just don should now
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще
    нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом
    себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
    будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая
    много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно
    всю между
    """.split()
)

# A term: an optional "-", then a quoted phrase (an unclosed quote runs to the end) or a run of anything but spaces
# and quotes.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
WORD = re.compile(r"[^\W_]+")  # what both engines' tokenizers treat as a word: letters and digits
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")


class SearchQueryError(ValueError):
    """The reader's text cannot be searched for. ``str(error)`` is fit to show next to the search box."""


@dataclass(frozen=True)
class ParsedQuery:
    """What the reader asked for: terms (words or phrases) that must all match, and terms that must not."""

    required: tuple[str, ...]
    excluded: tuple[str, ...]

    def as_websearch(self) -> str:
        """The query in ``websearch_to_tsquery`` syntax, every term quoted so nothing in it acts as an operator."""
        return " ".join([f'"{term}"' for term in self.required] + [f'-"{term}"' for term in self.excluded])

    def as_fts5(self) -> str:
        """The query as an FTS5 expression, every term a quoted string so nothing in it acts as syntax."""
        expression = " AND ".join(_fts5_string(term) for term in self.required)
        if self.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_fts5_string(term) for term in self.excluded)})"
        return expression


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def is_stop_word(word: str) -> bool:
    return word.lower().replace("ё", "е") in STOP_WORDS


def clean_query(text: str) -> str:
    """The reader's text, stripped and with control characters removed, or :class:`SearchQueryError`."""
    cleaned = _normalize(text)
    parse(cleaned)
    return cleaned


def _normalize(text: str) -> str:
    cleaned = " ".join(_CONTROL.sub(" ", text or "").split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("Search for at most %(limit)d characters; this search has %(length)d.")
            % {"limit": MAX_QUERY_LENGTH, "length": len(cleaned)}
        )
    return cleaned


def parse(text: str) -> ParsedQuery:
    """Split the reader's text into required and excluded terms, or raise :class:`SearchQueryError`."""
    text = _normalize(text)
    required, excluded, common = [], [], []
    for match in _TERM.finditer(text):
        minus, phrase, word = match.groups()
        term = " ".join((phrase if phrase is not None else word).split())
        words = WORD.findall(term)
        if not words:
            continue  # punctuation only: neither engine would find a word in it
        if all(is_stop_word(w) for w in words):
            common.append(term)
            continue
        if is_stop_word(words[0]) or is_stop_word(words[-1]):
            # PostgreSQL drops a phrase's leading and trailing stop words ("the barricades" finds "barricades");
            # FTS5 would insist on them. Drop them here so both engines read the phrase the same way.
            while is_stop_word(words[0]):
                words.pop(0)
            while is_stop_word(words[-1]):
                words.pop()
            term = " ".join(words)
        target = excluded if minus else required
        if term not in target:
            target.append(term)
    if not required:
        if excluded:
            raise SearchQueryError(
                _("Say what to search for as well as what to leave out: words starting with “-” are excluded.")
            )
        if common:
            raise SearchQueryError(
                ngettext(
                    "“%(words)s” is too common to search for. Add a more specific word.",
                    "“%(words)s” are too common to search for. Add a more specific word.",
                    len(common),
                )
                % {"words": "”, “".join(common)}
            )
        raise SearchQueryError(_("Type a word or a phrase to search for."))
    return ParsedQuery(tuple(required), tuple(excluded))
