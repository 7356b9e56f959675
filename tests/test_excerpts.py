"""The excerpt a search result shows on PostgreSQL, cut and marked in Python (testimony.search.excerpts). No database:
the same on both engines' runs. How PostgreSQL's search hands the rows over is in test_search."""

import re

import pytest

from testimony.search.excerpts import Highlighter, stem

FILLER = "The crowd waited on the square and nobody knew what would happen next. "


def excerpt(terms, text, words=32):
    return Highlighter(terms, words=words, start="[", stop="]").excerpt(text)


def marked(terms, text):
    return re.findall(r"\[([^\]]*)\]", excerpt(terms, text, words=400))


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("protester", "Protesters met the protest's organisers.", ["Protesters", "protest"]),
        ("army", "The army came; armies of men; armour stayed.", ["army", "armies"]),
        ("hoping", "We hoped and hope, hoping still.", ["hoped", "hope", "hoping"]),
        ("zhanaozen", "News from Zhanaözen and ZHANAOZEN.", ["Zhanaözen", "ZHANAOZEN"]),
        ("черной", "В чёрной машине, у черной двери.", ["чёрной", "черной"]),
        ("раненых", "Раненые лежали, раненых увезли.", ["Раненые", "раненых"]),
        ("2022", "On 5 January 2022, not 20220.", ["2022"]),
    ],
)
def test_words_that_stem_like_a_searched_word_are_marked_whatever_their_case_and_accents(term, text, expected):
    assert marked([term], text) == expected


def test_the_stop_words_of_a_phrase_are_not_marked():
    assert marked(["men in balaclavas"], "Men in balaclavas stood in line.") == ["Men", "balaclavas"]


def test_a_word_that_only_starts_like_a_searched_one_is_not_marked():
    assert marked(["army"], "Armoured cars, an armchair, the arms depot.") == []
    assert stem("army") == stem("armies") != stem("arms")


def test_a_long_account_is_cut_around_its_matches_with_an_ellipsis_where_text_is_left_out():
    text = FILLER * 6 + "Then men wearing black balaclavas handed out alcohol. " + FILLER * 6
    snippet = excerpt(["balaclava", "alcohol"], text)
    assert "[balaclavas]" in snippet and "[alcohol]" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(re.findall(r"[^\W_]+", snippet)) == 32


def test_the_fragment_holding_every_searched_word_is_preferred_to_one_with_more_of_a_single_word():
    text = "Smoke, smoke and smoke. " + FILLER * 8 + "Smoke rose over the square as the shots began. " + FILLER * 8
    snippet = excerpt(["smoke", "shots"], text, words=16)
    assert "[shots]" in snippet
    assert snippet.index("[Smoke] rose") < snippet.index("[shots]")


def test_matches_far_apart_give_two_fragments_joined_by_an_ellipsis():
    text = "Gunfire at dawn. " + FILLER * 10 + "More gunfire at night. " + FILLER * 10
    snippet = excerpt(["gunfire"], text, words=12)
    first, second = snippet.split(" … ")[:2]
    assert "[Gunfire] at dawn" in first
    assert "More [gunfire] at night" in second
    assert snippet.endswith(" …")


def test_an_account_that_does_not_hold_the_words_shows_its_beginning():
    # A row found by its title, place or tags: the start of the account, as PostgreSQL's ts_headline showed it.
    assert excerpt(["almaty"], FILLER * 3, words=5) == "The crowd waited on the …"
    assert excerpt(["almaty"], "Short account.") == "Short account."
    assert excerpt(["almaty"], "") == ""
    assert excerpt(["almaty"], None) == ""


def test_the_excerpt_shows_both_searched_words_when_one_fragment_can_hold_them():
    text = "Smoke, then smoke. " + " ".join(f"w{n}" for n in range(24)) + " and the shots began. " + FILLER * 4
    snippet = excerpt(["smoke", "shots"], text)
    assert "[shots]" in snippet and "[Smoke]" in snippet


def test_a_word_repeated_many_times_does_not_hide_the_other_searched_word():
    text = "Smoke everywhere. " * 60 + "Smoke rose as the shots began. " + FILLER * 3 + "Smoke again. " * 60
    snippet = excerpt(["smoke", "shots"], text)
    assert "[Smoke] rose as the [shots] began" in snippet


def test_a_second_match_beyond_the_first_fragment_gets_a_fragment_of_its_own():
    text = "Gunfire began. " + " ".join(f"w{n}" for n in range(15)) + " more gunfire. " + FILLER * 3
    snippet = excerpt(["gunfire"], text, words=12)
    assert snippet.count("[gunfire]") + snippet.count("[Gunfire]") == 2


def test_fragments_with_nothing_between_them_are_one_without_an_ellipsis():
    words = [f"word{n}" for n in range(40)]
    words[5], words[17] = "fire", "fire"  # fragments of words 2-13 and 14-25
    snippet = excerpt(["fire"], " ".join(words), words=12)
    assert " … " not in snippet.removeprefix("… ").removesuffix(" …")


def test_a_fragment_never_starts_or_ends_in_the_middle_of_a_word():
    text = ("Достопримечательностями " * 20) + "армия пришла. " + ("Достопримечательностями " * 20)
    snippet = excerpt(["армия"], text, words=10)
    assert all(
        word == "Достопримечательностями" or "армия" in word or word == "пришла."
        for word in snippet.replace("[", "").replace("]", "").split()
        if word != "…"
    )


def test_an_account_cannot_forge_a_match_or_an_empty_one_show_punctuation():
    assert marked(["square"], "A \ue000forged\ue001 mark on the square.") == ["square"]
    assert "\ue000" not in Highlighter(["square"], words=8).excerpt("\ue000forged\ue001 square")
    assert excerpt(["square"], "!!! ... ---") == ""


def test_a_fragment_keeps_a_hyphenated_word_whole():
    text = " ".join(f"w{n}" for n in range(30)) + " Из-за баррикад стреляли. " + " ".join(f"v{n}" for n in range(30))
    snippet = excerpt(["стреляли"], text, words=8)
    assert "Из-за баррикад [стреляли]" in snippet
    text = " ".join(f"w{n}" for n in range(30)) + " gunfire near Alma-Ata station"
    assert excerpt(["gunfire"], text, words=3).endswith("[gunfire] near Alma-Ata …")  # not "Alma …"


def test_a_long_chain_of_hyphenated_words_does_not_stretch_the_excerpt():
    snippet = excerpt(["gunfire"], "They heard gunfire near " + "-".join(["ab"] * 3400) + " the end.", words=3)
    assert len(snippet) < 60


def test_the_second_fragment_shows_a_searched_word_the_first_could_not_hold():
    text = "Gunfire! " * 1200 + " ".join(f"w{n}" for n in range(40)) + " the station burned."
    snippet = excerpt(["gunfire", "station"], text, words=8)
    assert "[station]" in snippet and "[Gunfire]" in snippet


def test_a_fragment_of_short_words_is_judged_by_the_words_it_shows():
    filler = " ".join(f"w{n}" for n in range(40))
    text = f"gunfire a b c d e f g h i j station {filler} gunfire near the station {filler}"
    snippet = Highlighter(["gunfire", "station"], words=8, fragments=1, start="[", stop="]").excerpt(text)
    assert "[gunfire] near the [station]" in snippet


def test_a_short_text_is_marked_whole():
    marker = Highlighter(["shanyrak", "driver"], words=32, start="[", stop="]")
    assert marker.mark("Taxi drivers of Shanyrak, SHANYRAK's own") == "Taxi [drivers] of [Shanyrak], [SHANYRAK]'s own"
    assert marker.mark("Nothing here") == "Nothing here"
    assert marker.mark("") == ""


def test_marking_drops_the_characters_that_stand_for_marks_and_keeps_the_text_as_stored():
    marker = Highlighter(["shanyrak"], words=32, start="[", stop="]")
    assert marker.mark("\ue000x\ue001 Shanyrak") == "x [Shanyrak]"
    decomposed = "Cafe\u0301 in Shanyrak"  # "é" as "e" and a combining accent
    assert marker.mark(decomposed) == "Cafe\u0301 in [Shanyrak]"
