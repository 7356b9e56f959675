"""What a reader needs stays in view at a phone's width and at a desk: a citation's whole text without scrolling inside
its box, a long search word without scrolling the page sideways, a bad date without the statements' filters falling
apart."""

import pytest

PHONE_WIDTH = 390  # a common phone
SIZES = {"phone": {"width": PHONE_WIDTH, "height": 844}, "desk": {"width": 1280, "height": 900}}
LONG_WORD = "Internationalisationofsecurityforcesoperationsinthecityofalmaty"


def hidden_pixels(page, selector):
    """How many pixels of a text box's content lie beyond its visible height."""
    return page.evaluate(
        f"(() => {{ const box = document.querySelector('{selector}'); return box.scrollHeight - box.clientHeight; }})()"
    )


@pytest.mark.parametrize("size", SIZES)
def test_each_citation_shows_whole_without_scrolling_inside_it(seed, page, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"{seed}/testimonies/T-0001/")

    for selector in ("#cite-text", "#cite-bibtex"):
        assert hidden_pixels(page, selector) <= 0, f"{selector} hides part of the citation at {size} width"
    bibtex = page.locator("#cite-bibtex").bounding_box()
    copy = page.locator(".cite .copy-button").last.bounding_box()
    assert copy["y"] >= bibtex["y"] + bibtex["height"]  # the copy button follows the whole box


def test_a_long_search_word_wraps_in_its_chips_instead_of_widening_the_page(seed, page):
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{seed}/testimonies/?q={LONG_WORD}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    remove_filter = page.get_by_role("link", name=f"Remove filter “Words: {LONG_WORD}”")
    remove_chip = page.get_by_role("link", name=f"Remove “Words: {LONG_WORD}”")
    for control in (remove_filter, remove_chip):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, control


def test_a_bad_date_on_the_statements_list_keeps_the_filters_on_one_row_at_a_desk(seed, page):
    page.set_viewport_size(SIZES["desk"])
    page.goto(f"{seed}/statements/?date_from=2022-13-45&kind=person")

    bad = page.get_by_role("textbox", name="Made from")
    until = page.get_by_label("Made until")
    show = page.get_by_role("button", name="Show")
    assert bad.input_value() == "2022-13-45"
    row = {round(control.bounding_box()["y"]) for control in (bad, until, show)}
    assert len(row) == 1, "the fields and the button are not on one row"
    assert bad.bounding_box()["width"] <= until.bounding_box()["width"] + 1  # as narrow as the date beside it

    page.get_by_role("link", name="Made from").click()  # the summary at the top leads to the field
    assert page.evaluate("location.hash") == "#f-date_from"
    assert page.evaluate("document.activeElement.id") == "f-date_from"
