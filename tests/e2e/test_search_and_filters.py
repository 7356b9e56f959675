"""A reader searches the list of testimonies for a word and narrows it by dates and a place, in a real browser."""

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

BALACLAVAS = "Men in black balaclavas with walkie-talkies handed out alcohol, then shot at the crowd"
HOSPITAL_SIEGE = "Social media accounts say an armed group took over Hospital No. 7 and security forces laid siege"

# The seed's accounts whose days overlap 5 January 2022.
ON_5_JANUARY = {
    "T-0001", "T-0003", "T-0004", "T-0005", "T-0006", "T-0009",
    "T-0010", "T-0011", "T-0012", "T-0013", "T-0014", "T-0016",
}  # fmt: skip
# Of those, the ones at Republic Square or within it.
AT_REPUBLIC_SQUARE_ON_5_JANUARY = {"T-0013", "T-0014"}


def card_titles(page):
    return page.locator(".card-title").all_inner_texts()


def card_identifiers(page):
    return {identifier.strip() for identifier in page.locator(".testimony-card .identifier").all_inner_texts()}


def filters(page):
    return page.get_by_role("search", name="Filter testimonies")


def query(page):
    return parse_qs(urlsplit(page.url).query)


def test_a_search_shows_the_matching_testimony_with_the_word_marked(seed, page):
    page.goto(f"{seed}/testimonies/")
    # One search box: the list's own form replaces the header's.
    expect(page.get_by_role("searchbox")).to_have_count(1)
    filters(page).get_by_label("Words").fill("balaclava")
    filters(page).get_by_role("button", name="Show testimonies").click()

    expect(page).to_have_url(re.compile(r"[?&]q=balaclava"))
    expect(page).to_have_title(re.compile("balaclava"))
    assert card_titles(page) == [BALACLAVAS]
    assert HOSPITAL_SIEGE not in page.locator("main").inner_text()
    marks = page.locator(".testimony-card mark").all_inner_texts()
    assert marks and all(mark.lower().startswith("balaclava") for mark in marks)


def test_the_header_search_box_finds_testimonies_from_any_page(seed, page):
    page.goto(f"{seed}/methodology/")
    header_search = page.get_by_role("search", name="Search the archive")
    header_search.get_by_label("Search testimonies").fill("hospital")
    header_search.get_by_label("Search testimonies").press("Enter")

    expect(page.locator(".card-title").first).to_be_visible()
    assert sorted(card_titles(page)) == sorted(
        [HOSPITAL_SIEGE, "A taxi driver's friend narrowly dodged a bullet driving near Hospital No. 7"]
    )
    assert BALACLAVAS not in card_titles(page)


def test_dates_and_a_place_narrow_the_list_and_each_filter_can_be_removed(seed, page):
    page.goto(f"{seed}/testimonies/")
    filters(page).get_by_label("From", exact=True).fill("2022-01-05")
    filters(page).get_by_label("To", exact=True).fill("2022-01-05")
    filters(page).get_by_label("Place", exact=True).select_option("almaty-republic-square")
    filters(page).get_by_role("button", name="Show testimonies").click()

    expect(page.get_by_role("heading", name="2 testimonies")).to_be_visible()
    assert card_identifiers(page) == AT_REPUBLIC_SQUARE_ON_5_JANUARY
    params = query(page)
    assert params["date_from"] == ["2022-01-05"]
    assert params["date_to"] == ["2022-01-05"]
    assert params["place"] == ["almaty-republic-square"]

    # The URL is the whole state: a bookmarked copy shows the same accounts.
    bookmarked = page.url
    page.goto(bookmarked)
    assert card_identifiers(page) == AT_REPUBLIC_SQUARE_ON_5_JANUARY

    page.get_by_role("link", name=re.compile("Remove filter .*Republic Square")).click()
    expect(page.get_by_role("heading", name=f"{len(ON_5_JANUARY)} testimonies")).to_be_visible()
    assert card_identifiers(page) == ON_5_JANUARY
    assert "place" not in query(page)
    assert query(page)["date_from"] == ["2022-01-05"]
    expect(filters(page).get_by_label("Place", exact=True)).to_have_value("")


def test_a_bad_date_is_explained_next_to_its_field_and_can_be_corrected(seed, page):
    response = page.goto(f"{seed}/testimonies/?date_from=2022-02-30&place=almaty-shanyrak")
    assert response.status == 400

    date_from = filters(page).get_by_label("From", exact=True)
    expect(date_from).to_have_attribute("aria-invalid", "true")
    message = page.locator("#f-date_from-error")
    expect(message).to_have_text(
        "There is no day 2022-02-30 in the calendar. Enter a date as YYYY-MM-DD, for example 2022-01-05."
    )
    # Next to the field: inside the same field group, and announced with it.
    assert date_from.evaluate("input => input.closest('.field').contains(document.getElementById('f-date_from-error'))")
    assert "f-date_from-error" in date_from.get_attribute("aria-describedby")
    expect(page.get_by_role("alert")).to_contain_text("From")
    assert card_titles(page) == []

    date_from.fill("2022-01-04")
    filters(page).get_by_role("button", name="Show testimonies").click()
    expect(page.locator("#f-date_from-error")).to_have_count(0)
    assert card_identifiers(page) == {"T-0010", "T-0011"}
