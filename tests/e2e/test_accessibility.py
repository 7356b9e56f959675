"""axe-core finds no accessibility violations on the main pages, at desktop and phone widths.

Needs `npm ci --prefix tests/e2e --ignore-scripts` (axe-core); skipped without it, except under CI=true.
"""

import pytest

from .pages import MAIN_PAGES, error_pages

# WCAG 2.0, 2.1 and 2.2 A and AA, plus axe's best practices (landmarks, one h1, headings in order, ...).
RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        + (f" … and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else "")
        for v in violations
    )


def run_axe(page, axe_script):
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULESETS)
    return describe(result["violations"]) if result["violations"] else ""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_main_pages_have_no_axe_violations(seed, request, axe_script, width):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    found = {}
    for path in MAIN_PAGES.values():
        page.goto(f"{seed}{path}")
        if violations := run_axe(page, axe_script):
            found[path] = violations
    for name, html in error_pages(seed).items():
        page.goto(f"{seed}/robots.txt")  # the archive's origin, so the page's stylesheet loads
        page.set_content(html.decode())
        if violations := run_axe(page, axe_script):
            found[f"the {name} page"] = violations
    # The checker itself works: an unlabelled field added to the last page is reported.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    canary = page.evaluate("axe.run(document, {runOnly: {type: 'rule', values: ['label']}})")
    assert [v["id"] for v in canary["violations"]] == ["label"]
    assert not found, f"axe-core found violations at {width} width:\n" + "\n".join(
        f"{path}\n{text}" for path, text in found.items()
    )


# Pages drawing every mark the stylesheet adds with ::before or ::after: breadcrumbs, the meta line of result cards,
# a chosen facet and the facet trail, a form error, the places index's counts, a quotation's caption, a place path
# and external links.
MARKED_PAGES = [
    "/testimonies/?place=almaty",
    "/testimonies/?date_from=2022-02-30",
    "/places/",
    "/places/almaty/",
    "/statements/S-0003/",
    "/testimonies/T-0001/",
]


def generated_text(page):
    """The text Chromium's accessibility tree holds that no DOM node holds: what CSS generated content adds."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    return [
        node["name"]["value"]
        for node in nodes
        if node.get("role", {}).get("value") == "StaticText" and "backendDOMNodeId" not in node
    ]


def test_screen_readers_do_not_read_the_stylesheets_separators_and_marks(seed, page):
    read = {}
    for path in MARKED_PAGES:
        page.goto(f"{seed}{path}")
        if texts := generated_text(page):
            read[path] = sorted(set(texts))
    assert not read, f"Generated content reaches the accessibility tree: {read}"
    # The check sees generated content: a mark without an empty alternative text is reported.
    page.add_style_tag(content='h1::before { content: "» "; }')
    assert generated_text(page) == ["» "]
