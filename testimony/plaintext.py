"""What characters the archive's text may hold: every character a witness's words need, and none of the control
characters that XML 1.0 cannot carry (the Atom feeds are XML) and that no reader can see.

Word writes a vertical tab (U+000B) for Shift+Enter, and pasted text brings form feeds and stray escapes with it. An
editor's form and an import refuse them (:func:`reject_control_characters`, :func:`control_character_problem`),
naming the character, so nothing is changed behind the editor's back; text stored before that check, or by other
means, is still carried by the feeds through :func:`without_control_characters`. Tabs, line feeds and carriage
returns are text.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def control_character_problem(text) -> str | None:
    """What to tell whoever typed or sent ``text`` about its first control character, or None if it has none."""
    found = CONTROL_CHARACTERS.search(text) if isinstance(text, str) else None
    if found is None:
        return None
    message = _(
        "It holds an invisible control character (%(code)s) at character %(position)s, which the archive cannot "
        "show or publish."
    ) % {"code": f"U+{ord(found.group()):04X}", "position": found.start() + 1}
    if found.group() == "\x0b":
        message += " " + _("Word writes one for Shift+Enter: delete it and retype the line break.")
    return message


def reject_control_characters(value) -> None:
    """A form field's validator: refuses text holding a control character, saying which and where."""
    if not isinstance(value, str) or "\x00" in value:  # a NUL: Django's own validator says so
        return
    problem = control_character_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="control_character")


def without_control_characters(text):
    """``text`` with its control characters dropped (for the feeds, which must stay valid XML whatever is stored)."""
    if isinstance(text, str) and CONTROL_CHARACTERS.search(text):
        return CONTROL_CHARACTERS.sub("", text)
    return text
