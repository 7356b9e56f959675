"""At a phone's width the reading room fits the screen, its text is readable, the results come before most of the
filter form, and the form works."""

from playwright.sync_api import expect

from .test_search_and_filters import card_identifiers, filters

WIDTH = 360
# The smallest computed font size allowed for running text (identifiers and hints included).
MIN_FONT_PX = 12


def overflowing(page):
    """Elements in main whose right edge lies past the viewport: what makes a phone scroll sideways."""
    return page.evaluate(
        """width => Array.from(document.querySelectorAll('main *'))
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' '
                 + Math.round(el.getBoundingClientRect().right) + 'px')""",
        WIDTH,
    )


def smallest_text(page):
    """The smallest font size, in px, of any visible element in main with text of its own."""
    return page.evaluate(
        """() => Math.min(...Array.from(document.querySelectorAll('main *'))
            .filter(el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
            .filter(el => el.getClientRects().length && !el.closest('.visually-hidden, svg'))
            .map(el => parseFloat(getComputedStyle(el).fontSize)))"""
    )


# What has the keyboard focus: "results" for anything in the list of results, else the focused control's text.
FOCUSED = """() => document.activeElement.closest('.browse-results') ? 'results'
    : document.activeElement.textContent.trim()"""


# A search result list, a testimony, a statement, a day and the home page with its timeline.
PAGES = ["/testimonies/?q=balaclava", "/testimonies/T-0001/", "/statements/S-0003/", "/days/2022-01-05/", "/"]


def test_pages_fit_a_phone_without_sideways_scrolling(seed, phone_page):
    problems = []
    for path in PAGES:
        response = phone_page.goto(f"{seed}{path}")
        assert response.status == 200, path
        if phone_page.evaluate("document.documentElement.scrollWidth") > WIDTH:
            problems.append(f"{path} scrolls sideways: {overflowing(phone_page)}")
        if (smallest := smallest_text(phone_page)) < MIN_FONT_PX:
            problems.append(f"{path} has text set at {smallest} px")
        # Running text is set at a readable size.
        if (body := phone_page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) < 16:
            problems.append(f"{path} sets body text at {body} px")
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_search_box_and_the_first_results_come_before_the_other_filters(seed, phone_page):
    screen = {"width": 390, "height": 844}  # a common phone; readers use the archive on one as often as at a desk
    phone_page.set_viewport_size(screen)
    phone_page.goto(f"{seed}/testimonies/")
    words = filters(phone_page).get_by_label("Words")
    more = filters(phone_page).get_by_text("Filter by date, place and more")
    first_card = phone_page.locator(".testimony-card").first
    place = filters(phone_page).get_by_label("Place", exact=True)

    # The first screen shows the first testimony, the search box above it and the way to the other filters.
    assert first_card.bounding_box()["y"] < screen["height"], "the first testimony is below the first screen"
    assert words.bounding_box()["y"] + words.bounding_box()["height"] <= screen["height"]
    assert more.bounding_box()["y"] + more.bounding_box()["height"] <= screen["height"]
    # The dates, place and the rest wait until asked for: one tap shows them, above the results.
    expect(place).to_be_hidden()
    more.tap()
    expect(place).to_be_visible()
    assert place.bounding_box()["y"] < first_card.bounding_box()["y"]

    # The keyboard follows the same order: the search box, its button, the filters' summary, then the results.
    phone_page.goto(f"{seed}/testimonies/")
    words.focus()
    focused = []
    for _ in range(3):
        phone_page.keyboard.press("Tab")
        focused.append(phone_page.evaluate(FOCUSED))
    assert focused == ["Search", "Filter by date, place and more", "results"]


def test_the_filter_form_works_on_a_phone(seed, phone_page):
    phone_page.goto(f"{seed}/testimonies/")
    place = filters(phone_page).get_by_label("Place", exact=True)
    button = filters(phone_page).get_by_role("button", name="Show testimonies")
    filters(phone_page).get_by_text("Filter by date, place and more").tap()
    for control in (place, button, filters(phone_page).get_by_label("From", exact=True)):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
        assert box["height"] >= 24  # a target a finger can hit (WCAG 2.2, 2.5.8)

    place.select_option("almaty-republic-square")
    filters(phone_page).get_by_text("More filters and order").tap()
    contested = filters(phone_page).get_by_label("Contested", exact=True)
    assert contested.bounding_box()["x"] + contested.bounding_box()["width"] <= WIDTH
    contested.check()
    button.tap()

    expect(phone_page.get_by_role("heading", name="2 testimonies")).to_be_visible()
    assert card_identifiers(phone_page) == {"T-0013", "T-0014"}  # T-0015, also at the square, is not contested
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= WIDTH, overflowing(phone_page)
