"""A reader opens an official claim and follows it to a testimony that contradicts it, in a real browser."""

import re

from playwright.sync_api import expect

CLAIM = "Twenty thousand terrorists descended on Almaty."
RESTRAINED = "Residents across Almaty describe the unrest outside 4–5 January as relatively restrained"
NOTE = "Residents who saw the upheaval describe nothing near the scale of 20,000 attackers"


def test_a_claim_leads_to_the_testimony_that_contradicts_it_and_back(seed, page):
    page.goto(f"{seed}/statements/")
    page.get_by_role("link", name=CLAIM, exact=True).click()

    expect(page).to_have_url(re.compile(r"/statements/S-0003/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CLAIM)
    contradicting = page.get_by_role("region", name="1 testimony contradicts it")
    corroborating = page.get_by_role("region", name="0 testimonies corroborate it")
    expect(corroborating).to_contain_text("No testimony in the archive corroborates this claim.")
    # The two verdicts stand side by side at desktop width.
    left, right = corroborating.bounding_box(), contradicting.bounding_box()
    assert abs(left["y"] - right["y"]) < 5 and left["x"] + left["width"] <= right["x"]
    expect(contradicting.get_by_role("link", name=RESTRAINED)).to_have_count(1)
    expect(contradicting).to_contain_text(NOTE)
    expect(contradicting).not_to_contain_text("Residents saw vehicles loaded with guns")  # context, not contradiction

    contradicting.get_by_role("link", name=RESTRAINED).click()

    expect(page).to_have_url(re.compile(r"/testimonies/T-0001/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(RESTRAINED)
    contradictions = page.get_by_role("region", name=re.compile(r"^Contradiction"))
    to_claim = page.get_by_role("link", name=re.compile(re.escape(CLAIM)))
    claim_link = contradictions.locator(to_claim)
    expect(claim_link).to_have_attribute("href", "/statements/S-0003/")
    line = contradictions.locator("li").filter(has=to_claim)
    expect(line).to_contain_text("This account contradicts the statement")
    expect(line).to_contain_text(NOTE)

    claim_link.click()
    expect(page).to_have_url(re.compile(r"/statements/S-0003/$"))


def test_the_list_of_claims_shows_how_many_testimonies_contradict_each(seed, page):
    page.goto(f"{seed}/statements/")
    card = page.locator("article").filter(has=page.get_by_role("link", name=CLAIM, exact=True))
    expect(card).to_contain_text("1 testimony contradicts")
    expect(card).to_contain_text("Tokayev administration")
    # The statements' own filters are not a word search: the header's search box stays.
    expect(page.get_by_role("search", name="Search the archive").get_by_label("Search testimonies")).to_be_visible()
