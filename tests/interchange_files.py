"""Builders for import files in the interchange format (README), shared by the import tests."""

import csv
import io
import json

from testimony.importing import CSV_COLUMNS


def csv_row(**overrides) -> dict:
    row = {
        "identifier": "",
        "title": "Shots near the square",
        "body": "I heard shots near the square at night.",
        "language": "en",
        "translation": "",
        "witness_descriptor": "taxi driver",
        "witness_role": "driver",
        "date_start": "2022-01-05",
        "date_end": "2022-01-05",
        "part_of_day": "night",
        "is_date_approximate": "false",
        "place": "",
        "source": "",
        "source_url": "",
        "source_published": "",
        "collected_on": "",
        "tags": "",
        "incidents": "",
        "status": "published",
        "retraction_note": "",
        "url": "http://elsewhere.example/testimonies/T-0001/",
    }
    row.update(overrides)
    return row


def csv_text(rows, columns=CSV_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def write_csv(path, rows, columns=CSV_COLUMNS):
    path.write_text(csv_text(rows, columns), encoding="utf-8")
    return path


def json_testimony(**overrides) -> dict:
    record = {
        "identifier": "T-0001",
        "url": "http://elsewhere.example/testimonies/T-0001/",
        "title": "Shots near the square",
        "body": "I heard shots near the square at night.",
        "language": "en",
        "translation": "",
        "witness": {"descriptor": "taxi driver", "role": "driver"},
        "date_start": "2022-01-05",
        "date_end": "2022-01-05",
        "part_of_day": "night",
        "is_date_approximate": False,
        "place": None,
        "source": None,
        "source_url": "",
        "source_published": None,
        "collected_on": None,
        "tags": [],
        "incidents": [],
        "status": "published",
        "retraction_note": "",
        "published_at": "2022-02-06T10:00:00Z",
        "cross_references": [],
    }
    record.update(overrides)
    return record


def json_text(testimonies, vocabulary=None, head=None) -> str:
    """A document laid out as the exporter writes it: head on line 1, vocabulary rows one a line, then testimonies."""
    head = head or {"format": "testimony-archive", "version": 1, "exported": "2026-11-25T12:00:00Z", "source_url": ""}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ",", ' "vocabulary": {']
    families = list((vocabulary or {}).items())
    for index, (family, rows) in enumerate(families):
        lines.append(f'   "{family}": [')
        lines.extend(
            "    " + json.dumps(r, ensure_ascii=False) + ("," if i < len(rows) - 1 else "") for i, r in enumerate(rows)
        )
        lines.append("   ]" + ("," if index < len(families) - 1 else ""))
    lines.append(" },")
    lines.append(' "testimonies": [')
    lines.extend(
        json.dumps(t, ensure_ascii=False) + ("," if i < len(testimonies) - 1 else "") for i, t in enumerate(testimonies)
    )
    lines.append("]}")
    return "\n".join(lines) + "\n"


def write_json(path, testimonies, vocabulary=None, head=None):
    path.write_text(json_text(testimonies, vocabulary, head), encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``text`` where ``needle`` first appears."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")
