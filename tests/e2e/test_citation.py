"""A journalist copies a citation with one click, on a testimony's page and on each of its revisions' pages."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("path", ["/testimonies/T-0001/", "/testimonies/T-0001/revisions/1/"])
def test_each_citation_has_a_copy_button_that_copies_it(seed, page, path):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed)
    page.goto(f"{seed}{path}")
    buttons = page.locator(".cite .copy-button")
    expect(buttons).to_have_count(2)
    plain = page.locator("#cite-text").input_value()
    assert "T-0001" in plain
    buttons.first.click()
    expect(buttons.first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == plain
