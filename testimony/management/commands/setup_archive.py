from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.db.models import Max

from testimony import history
from testimony.models import Counter, Statement, Testimony

SEED = Path(settings.BASE_DIR) / "fixtures" / "kazakhstan-2022.json"


class Command(BaseCommand):
    help = "Create or update the database and, when it holds no testimonies, load the seed collection."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(SEED), help="Collection to load into an empty archive.")

    def handle(self, *args, fixture, **options):
        if not Path(fixture).is_file():
            raise CommandError(f"No collection at {fixture}.")
        call_command("migrate", verbosity=0, interactive=False)
        if Testimony.objects.exists():
            self.stdout.write("The archive already holds testimonies; the seed collection was not loaded again.")
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=0)
            reserve_loaded_numbers()
            # Fixtures carry no history: give each public testimony its citable revision 1 now.
            history.ensure_initial_revisions()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {Testimony.objects.count()} testimonies and {Statement.objects.count()} statements "
                f"from {Path(fixture).name}."
            )
        )


def reserve_loaded_numbers():
    """Move the identifier counters past the numbers a fixture brought in, so none is ever handed out again.

    loaddata writes ``number`` directly and leaves the counters behind; without this, deleting the highest loaded
    entry before the first new one is saved would let its identifier be reused. Counters never go down.
    """
    for name, model in (("testimony", Testimony), ("statement", Statement)):
        top = model.objects.aggregate(top=Max("number"))["top"] or 0
        Counter.objects.get_or_create(name=name)
        Counter.objects.filter(name=name, value__lt=top).update(value=top)
