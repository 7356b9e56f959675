import datetime


class IsoDateConverter:
    """YYYY-MM-DD in a path. An impossible date (2022-02-30), or one at the very ends of the calendar where there is
    no day before or after it, does not match, so it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    first = datetime.date.min + datetime.timedelta(days=1)
    last = datetime.date.max - datetime.timedelta(days=1)

    def to_python(self, value):
        day = datetime.date.fromisoformat(value)
        if not self.first <= day <= self.last:
            raise ValueError(f"{value} has no neighbouring day")
        return day

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class IdentifierConverter:
    """A citable identifier: a capital letter, a hyphen and ASCII digits (T-0042, S-0007). Anything else is a 404
    before it reaches the database (a NUL byte, for one, is an error on PostgreSQL)."""

    regex = r"[A-Z]-[0-9]{1,12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class RevisionNumberConverter:
    """A revision number small enough for any database integer (a 30-digit number is a 404, not an overflow)."""

    regex = r"[0-9]{1,9}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
