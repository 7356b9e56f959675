"""A keyboard user can skip to the content and always sees where the focus is."""

from playwright.sync_api import expect


def focus_ring(locator):
    """The focused element's computed outline and box-shadow: at least one must draw something."""
    return locator.evaluate(
        """el => {
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            const shadow = style.boxShadow !== 'none';
            return {outline: outline ? style.outline : '', shadow: shadow ? style.boxShadow : ''};
        }"""
    )


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(seed, page):
    page.goto(f"{seed}/testimonies/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    # Hidden until focused, then on screen.
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0
    assert focus_ring(skip)["outline"] or focus_ring(skip)["shadow"]

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


# A link in the header, the filter form's button and search box, a result, a link on a statement and on the home page.
TARGETS = [
    ("/testimonies/", "header nav a"),
    ("/testimonies/", "main button[type=submit]"),
    ("/testimonies/", "main input[type=search]"),
    ("/testimonies/", ".card-title a"),
    ("/statements/S-0003/", "main a"),
    ("/", "main a"),
]


def test_focus_is_visible_on_links_buttons_and_fields(seed, page):
    invisible = []
    for path, selector in TARGETS:
        page.goto(f"{seed}{path}")
        target = page.locator(selector).first
        # Reach it with the keyboard, so that :focus-visible applies as it does for a keyboard user.
        target.evaluate("el => el.setAttribute('data-target', '')")
        for _ in range(100):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.hasAttribute('data-target')"):
                break
        expect(target).to_be_focused()
        ring = focus_ring(target)
        if not (ring["outline"] or ring["shadow"]):
            invisible.append(f"{selector} on {path}")
    assert not invisible, f"No visible focus on: {', '.join(invisible)}"
