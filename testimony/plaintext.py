"""What characters the archive's text may hold: every character a witness's words need, and none of the control
characters that XML 1.0 cannot carry (the Atom feeds are XML) and that no reader can see.

Word writes a vertical tab (U+000B) for Shift+Enter, and pasted text brings form feeds and stray escapes with it. An
editor's form and an import refuse them with :func:`reject_control_characters`, naming the character, so nothing is
changed behind the editor's back; text stored before that check, or by other means, is still carried by the feeds
through :func:`without_control_characters`. Tabs, line feeds and carriage returns are text.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

CONTROL_CHARACTER_MESSAGE = _(
    "This text holds an invisible control character (%(code)s) at character %(position)s, which the archive cannot "
    "show or publish. Delete it and retype what was there (Word writes one for Shift+Enter)."
)


def first_control_character(text: str):
    """``(code, position)`` of the first control character in ``text``, e.g. ``("U+000B", 12)``; None if none."""
    found = CONTROL_CHARACTERS.search(text) if text else None
    if found is None:
        return None
    return f"U+{ord(found.group()):04X}", found.start() + 1


def reject_control_characters(value) -> None:
    """A form field's validator: refuses text holding a control character, saying which and where."""
    if not isinstance(value, str) or "\x00" in value:  # a NUL: Django's own validator says so
        return
    found = first_control_character(value)
    if found is not None:
        code, position = found
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE, code="control_character", params={"code": code, "position": position}
        )


def without_control_characters(text):
    """``text`` with its control characters dropped (for the feeds, which must stay valid XML whatever is stored)."""
    if isinstance(text, str) and CONTROL_CHARACTERS.search(text):
        return CONTROL_CHARACTERS.sub("", text)
    return text
