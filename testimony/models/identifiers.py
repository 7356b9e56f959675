from django.db import models, transaction
from django.db.models import F


class Counter(models.Model):
    """A named, ever-increasing number behind citable identifiers (T-0042, S-0007).

    Numbers come from here, not from MAX(number) + 1, so an identifier is never reused even after its entry is
    removed.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"

    @classmethod
    def allocate(cls, name: str, count: int = 1, floor: int = 0) -> int:
        """Reserve ``count`` consecutive numbers and return the first. Costs three queries.

        ``floor`` is the highest number already in use (e.g. loaded from a fixture); allocation never goes below it.
        """
        with transaction.atomic():
            cls.objects.get_or_create(name=name)
            # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before we read the value back.
            cls.objects.filter(name=name).update(value=F("value") + count)
            value = cls.objects.get(name=name).value
            if value - count < floor:
                value = floor + count
                cls.objects.filter(name=name).update(value=value)
        return value - count + 1
