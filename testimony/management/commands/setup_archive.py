from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from testimony.models import Testimony

SEED = Path(settings.BASE_DIR) / "fixtures" / "kazakhstan-2022.json"


class Command(BaseCommand):
    help = "Create or update the database and, when it holds no testimonies, load the seed collection."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(SEED), help="Collection to load into an empty archive.")

    def handle(self, *args, fixture, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if Testimony.objects.exists():
            self.stdout.write("The archive already holds testimonies; the seed collection was not loaded again.")
            return
        call_command("loaddata", fixture, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {Testimony.objects.count()} testimonies from {Path(fixture).name}.")
        )
