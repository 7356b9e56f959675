"""The main pages are valid HTML, and the stylesheet valid CSS, according to the Nu HTML Checker (the W3C validator),
in one run for all of them.

Needs `npm ci --prefix tests/e2e --ignore-scripts` (vnu-jar) and java; skipped without them, except under CI=true.
"""

import json
import subprocess
from pathlib import Path

from .pages import MAIN_PAGES, error_pages, fetch

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "archive.css"


# A page the checker must reject, run with the others to prove it is really checking.
CANARY = b"<!DOCTYPE html><html lang=en><title>Canary</title><p><div>block in a paragraph</div></p>"


def test_the_main_pages_are_valid_html(seed, vnu_jar, tmp_path):
    canary = tmp_path / "canary.html"
    canary.write_bytes(CANARY)
    files = {str(canary): "canary", str(STYLESHEET): "static/css/archive.css"}
    for name, path in MAIN_PAGES.items():
        file = tmp_path / f"{name}.html"
        file.write_bytes(fetch(f"{seed}{path}"))
        files[str(file)] = path
    for name, html in error_pages(seed).items():
        assert b"<h1>" in html, name
        file = tmp_path / f"{name}.html"
        file.write_bytes(html)
        files[str(file)] = f"the {name} page"
    result = subprocess.run(
        ["java", "-Xss4m", "-jar", str(vnu_jar), "--errors-only", "--also-check-css", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    messages = json.loads(result.stderr)["messages"]
    for message in messages:
        message["page"] = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
    assert {m["page"] for m in messages if m["type"] == "error"} >= {"canary"}, result.stderr
    errors = [
        f"{m['page']} line {m.get('lastLine')}: {m['message']} — {m.get('extract', '').strip()!r}"
        for m in messages
        if m["page"] != "canary"
    ]
    assert not errors, "The Nu HTML Checker found errors:\n" + "\n".join(errors)
