"""How a reader notices official statements: the counts on the statements list in the colours of their relations, and
on a phone, a day page's line leading down to its statements."""

import re

from playwright.sync_api import expect

CORROBORATES = "rgb(30, 107, 58)"  # archive.css --detail-corroborates
CONTRADICTS = "rgb(163, 35, 31)"  # --detail-contradicts
CONTEXT = "rgb(90, 74, 138)"  # --detail-context
MUTED = "rgb(74, 74, 74)"  # --ink-muted


def colour(locator):
    return locator.evaluate("element => getComputedStyle(element).color")


def test_counts_with_testimonies_behind_them_carry_their_relation_s_colour_and_zeros_are_muted(seed, page):
    page.goto(f"{seed}/statements/")
    card = page.locator("article").filter(has=page.get_by_role("link", name="Almaty was a warzone")).first
    expect(card).to_contain_text("S-0004")

    contradicting = card.get_by_role("link", name="2 testimonies contradict")
    context = card.get_by_role("link", name="1 testimony adds context")
    zero = card.get_by_text("0 testimonies corroborate")
    assert colour(contradicting) == CONTRADICTS
    assert colour(context) == CONTEXT
    assert colour(zero) == MUTED
    expect(card.get_by_role("link", name=re.compile("corroborate"))).to_have_count(0)

    contradicting.click()  # a visited link keeps the colour of its relation
    page.go_back()
    assert colour(card.get_by_role("link", name="2 testimonies contradict")) == CONTRADICTS


def test_on_a_phone_a_day_says_near_the_top_that_it_has_statements_and_leads_to_them(seed, phone_page):
    screen = {"width": 390, "height": 844}
    phone_page.set_viewport_size(screen)
    phone_page.goto(f"{seed}/days/2022-01-05/")

    link = phone_page.get_by_role("link", name="2 official statements made this day")
    box = link.bounding_box()
    assert box["y"] + box["height"] <= screen["height"], "the line is below the first screen"
    statements = phone_page.get_by_role("heading", name="2 official statements", exact=True)
    assert statements.bounding_box()["y"] > screen["height"]  # below the cards, so the line is needed

    link.tap()

    expect(phone_page).to_have_url(re.compile(r"#day-statements$"))
    expect(statements).to_be_in_viewport()


def test_at_a_desk_the_statements_stand_beside_the_testimonies_without_the_line(seed, page):
    page.goto(f"{seed}/days/2022-01-05/")

    expect(page.get_by_role("link", name="2 official statements made this day")).to_be_hidden()
    expect(page.get_by_role("heading", name="2 official statements", exact=True)).to_be_in_viewport()
