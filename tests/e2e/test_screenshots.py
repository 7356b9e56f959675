"""Full-page screenshots of the main pages at desktop and phone widths, for people to look at.

They land in tests/e2e/screenshots/<page>-<width>.png. The test fails when a page does not answer as expected or
draws an empty screen.
"""

import pytest

from .pages import MAIN_PAGES


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(seed, request, screenshot, width):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    for name, path in MAIN_PAGES.items():
        response = page.goto(f"{seed}{path}")
        expected = {"not-found": 404, "filter-error": 400}.get(name, 200)
        assert response.status == expected, f"{path} answered {response.status}"
        assert page.locator("h1").count() == 1, f"{path} should have exactly one h1"
        file = screenshot(page, f"{name}-{page.viewport_size['width']}")
        assert file.stat().st_size > 10_000, f"{file.name} is nearly empty"
