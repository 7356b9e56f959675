"""``generate_testimonies --count N [--seed S]``: a realistic synthetic collection, for tests and the benchmark.

What it makes, all deterministic for a seed:
- a place tree of a few hundred places (Kazakhstan › regions and cities › districts › sites, real coordinates
  for the cities), a credibility vocabulary (the existing one, or a small one when the database has none), sources,
  actors, incidents and statements (about one per 250 testimonies, at most 4,000);
- N testimonies with their witnesses (public descriptors only: perspectives, never names), dates skewed the way
  real unrest is (most accounts in a few peak days, then a long tail), part of day, approximate ranges, bodies of
  80–400 words in English, Russian and Kazakh, 1–4 tags, some incidents and cross-references; mostly published,
  some drafts, entries in review and retractions.

Testimonies are written in batches that are generated, inserted and indexed one at a time, so memory stays flat
whatever N is. Numbers and identifiers come from ``Counter.allocate`` as one block per batch. Bulk writes bypass
``save()`` and signals, so every derived field (number, identifier, published_at) is set here and the search
index is built per batch with ``testimony.search.reindex``. The vocabulary and places are few and go through
``save()`` (which derives ``Place.path`` and ``depth``), and are reused when their slugs already exist, so running
the command twice adds testimonies to the same tree.

The only engine-specific code is :func:`_insert`: COPY on PostgreSQL, ``bulk_create`` elsewhere.
"""

import argparse
import datetime
import random
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.text import slugify
from faker import Faker
from tqdm import tqdm

from testimony import search, summary
from testimony.models import (
    Actor,
    Counter,
    CrossReference,
    Incident,
    Place,
    Source,
    Statement,
    Status,
    Tag,
    TagGroup,
    Testimony,
    Witness,
)
from testimony.models.vocabulary import PUBLIC_STATUSES

from . import _synthetic_data as data

FIRST_DAY = datetime.date(2022, 1, 1)
LAST_DAY = datetime.date(2022, 3, 31)
UTC = datetime.UTC


def _positive_int(text):
    message = f"must be a whole number of at least 1, not {text!r}"
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(message) from None
    if value < 1:
        raise argparse.ArgumentTypeError(message)
    return value


def _ratio(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def _insert(model, rows):
    """Write ``rows`` (dicts of attribute name → value, all with the same keys) into ``model``'s table.

    PostgreSQL: COPY through psycopg, several times faster than a multi-row INSERT. Elsewhere: ``bulk_create``.
    This is the only place the command branches on the database engine.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        # Columns the rows leave out get their field's default, as bulk_create would give them.
        fields = [model._meta.get_field(name) for name in rows[0]]
        given = {field.attname for field in fields}
        rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields + rest)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row.values(), *defaults))
    else:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=500)


def _index_in_thread(ids):
    """Build the search index of one committed batch on this worker thread's own connection."""
    try:
        search.reindex(ids)
    finally:
        connection.close()


class _World:
    """The fixed cast of a collection: places, vocabulary, sources, actors, incidents and text pools."""

    def __init__(self, rng: random.Random, seed: int, testimonies: int):
        self.rng = rng
        fake_en, fake_ru = Faker("en_US"), Faker("ru_RU")
        fake_en.seed_instance(seed)
        fake_ru.seed_instance(seed)
        self.filler = {
            "en": [fake_en.sentence(nb_words=rng.randint(6, 16)) for _ in range(1500)],
            "ru": [fake_ru.sentence(nb_words=rng.randint(5, 14)) for _ in range(1000)],
            "kk": data.SENTENCES_KK,
        }
        self.jobs = [job.lower() for job in (fake_en.job() for _ in range(300)) if "," not in job][:150]
        self.person_names = [fake_ru.name() for _ in range(40)]
        self.sentences = {"en": data.SENTENCES_EN, "ru": data.SENTENCES_RU, "kk": data.SENTENCES_KK}
        self.days, self.day_weights = self._day_distribution()
        self._build_places()
        self._build_vocabulary()
        self._build_sources_and_actors()
        self._build_incidents(min(max(testimonies // 2000, 8), 500))

    # Places ---------------------------------------------------------------------------------------------------

    def _place(self, slug, name, kind, parent, latitude, longitude, other_names=""):
        place, _ = Place.objects.get_or_create(
            slug=slug[:100],
            defaults={
                "name": name,
                "kind": kind,
                "parent": parent,
                "other_names": other_names,
                "latitude": Decimal(f"{latitude:.6f}"),
                "longitude": Decimal(f"{longitude:.6f}"),
            },
        )
        return place

    def _build_places(self):
        rng = self.rng
        name, other, lat, lon = data.COUNTRY
        country = self._place(slugify(name), name, Place.Kind.COUNTRY, None, lat, lon, other)
        self.leaves = []  # (place id, text context, weight)
        self.cities = []  # text contexts of every city, for accounts without a place
        cities = [(city, country, True) for city in data.CITIES_UNDER_COUNTRY]
        for region_name, region_other, rlat, rlon, region_cities in data.REGIONS:
            region = self._place(
                slugify(region_name), region_name, Place.Kind.REGION, country, rlat, rlon, region_other
            )
            cities += [((*city, None), region, False) for city in region_cities]
        for (city_name, city_other, clat, clon, weight, districts), parent, big in cities:
            city = self._place(slugify(city_name), city_name, Place.Kind.CITY, parent, clat, clon, city_other)
            city_ru = city_other.split(",")[0]
            if not districts:
                picks = rng.sample(data.GENERIC_DISTRICTS, rng.randint(2, 4))
                districts = [en.format(n=rng.randint(1, 30)) for en, _ in picks]
            city_context = {
                "city": city_name,
                "city_ru": city_ru,
                "district": f"central {city_name}",
                "place": city_name,
            }
            self.cities.append(city_context)
            self.leaves.append((city.pk, city_context | self._site_context(city_name, city_name), weight * 0.05))
            shares = [rng.uniform(0.5, 2.0) for _ in districts]
            for district_name, share in zip(districts, shares, strict=True):
                spread = 0.06 if big else 0.02
                dlat, dlon = clat + rng.uniform(-spread, spread), clon + rng.uniform(-spread, spread)
                district = self._place(
                    f"{city.slug}-{slugify(district_name)}", district_name, Place.Kind.DISTRICT, city, dlat, dlon
                )
                district_weight = weight * 0.95 * share / sum(shares)
                context = city_context | {"district": district_name, "place": f"{district_name}, {city_name}"}
                sites = []
                for site_en, site_ru in rng.sample(data.SITES, rng.randint(3, 6)):
                    slots = {
                        "n": rng.randint(1, 40),
                        "street": rng.choice(data.STREETS),
                        "city": city_name,
                        "city_ru": city_ru,
                        "district": district_name,
                    }
                    site_name = site_en.format(**slots)
                    site = self._place(
                        f"{district.slug}-{slugify(site_name)}",
                        site_name,
                        Place.Kind.SITE,
                        district,
                        dlat + rng.uniform(-0.01, 0.01),
                        dlon + rng.uniform(-0.01, 0.01),
                        site_ru.format(**slots),
                    )
                    sites.append((site, site_name, site_ru.format(**slots)))
                self.leaves.append(
                    (district.pk, context | self._site_context(*rng.choice(sites)[1:]), district_weight * 0.45)
                )
                for site, site_name, site_ru in sites:
                    self.leaves.append(
                        (
                            site.pk,
                            context | self._site_context(site_name, site_ru) | {"place": site_name},
                            district_weight * 0.55 / len(sites),
                        )
                    )
        self.leaf_weights = list(accumulate(weight for _, _, weight in self.leaves))
        self.place_count = Place.objects.count()

    def _site_context(self, site, site_ru):
        return {"site": site, "site_ru": site_ru}

    # Vocabulary, sources, actors, incidents -------------------------------------------------------------------

    def _build_vocabulary(self):
        if not Tag.objects.exists():
            for position, (group_name, tags) in enumerate(data.VOCABULARY):
                group, _ = TagGroup.objects.get_or_create(
                    slug=slugify(group_name), defaults={"name": group_name, "position": position}
                )
                for tag_position, (tag_name, definition) in enumerate(tags):
                    Tag.objects.get_or_create(
                        slug=slugify(tag_name),
                        defaults={"group": group, "name": tag_name, "definition": definition, "position": tag_position},
                    )
        # One list of tag ids per group, in a stable order; earlier tags of a group are used more often.
        self.tag_groups = []
        by_group = {}
        for tag_id, group_id in Tag.objects.order_by("group__position", "group__slug", "position", "slug").values_list(
            "pk", "group_id"
        ):
            by_group.setdefault(group_id, []).append(tag_id)
        for position, tag_ids in enumerate(by_group.values()):
            chance = (0.9, 0.6, 0.35)[position] if position < 3 else 0.25
            weights = list(accumulate(1 / (i + 1) for i in range(len(tag_ids))))
            self.tag_groups.append((chance, tag_ids, weights))

    def _build_sources_and_actors(self):
        rng = self.rng
        cities = [c["city"] for c in self.cities]
        self.sources = []
        for template, kind in data.SOURCES:
            for city in rng.sample(cities, 3) if "{city}" in template else [None]:
                name = template.format(city=city)
                source, _ = Source.objects.get_or_create(
                    slug=slugify(name)[:100], defaults={"name": name, "kind": kind, "url": "https://example.org/"}
                )
                self.sources.append((source.pk, source.slug))
        self.actors = []
        for template, kind, office in data.ACTORS:
            city = rng.choice(cities)
            name = template.format(city=city, person=rng.choice(self.person_names))
            office = office.format(city=city)
            actor, _ = Actor.objects.get_or_create(
                slug=slugify(f"{name} {office}")[:100], defaults={"name": name, "kind": kind, "office": office}
            )
            self.actors.append(actor.pk)

    def _build_incidents(self, count):
        rng = self.rng
        self.incidents = []  # (incident id, place id, context, day)
        for k in range(count):
            place_id, context, _ = rng.choices(self.leaves, cum_weights=self.leaf_weights)[0]
            context = context | {"street": rng.choice(data.STREETS)}
            day = self.random_day()
            name = rng.choice(data.INCIDENTS).format_map(context)
            name = f"{name}, {day.day} {day:%B %Y}"
            incident, _ = Incident.objects.get_or_create(
                slug=f"{slugify(name)[:90]}-{k + 1}",
                defaults={
                    "name": name,
                    "date_start": day,
                    "date_end": day + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2))),
                    "place_id": place_id,
                    "is_date_approximate": rng.random() < 0.2,
                },
            )
            self.incidents.append((incident.pk, place_id, context, incident.date_start))

    # Random draws ---------------------------------------------------------------------------------------------

    @staticmethod
    def _day_distribution():
        days, weights = [], []
        day = FIRST_DAY
        while day <= LAST_DAY:
            if day.month == 1 and day.day in data.PEAK_DAYS:
                weight = data.PEAK_DAYS[day.day]
            elif day < datetime.date(2022, 1, 10):
                weight = 0.5
            else:  # the long tail: accounts collected weeks later about later detentions, funerals, trials
                weight = 2.0 * 0.94 ** (day - datetime.date(2022, 1, 10)).days
            days.append(day)
            weights.append(weight)
            day += datetime.timedelta(days=1)
        return days, list(accumulate(weights))

    def random_day(self):
        return self.rng.choices(self.days, cum_weights=self.day_weights)[0]

    def random_place(self):
        """(place id or None, text context)."""
        if self.rng.random() < 0.04:
            return None, self.rng.choice(self.cities) | {
                "site": "the city centre",
                "site_ru": "центр",
                "district": "the centre",
            }
        place_id, context, _ = self.rng.choices(self.leaves, cum_weights=self.leaf_weights)[0]
        return place_id, context

    def random_tags(self):
        rng = self.rng
        tags = [
            rng.choices(tag_ids, cum_weights=weights)[0]
            for chance, tag_ids, weights in self.tag_groups
            if rng.random() < chance
        ]
        if not tags and self.tag_groups:
            _, tag_ids, weights = self.tag_groups[0]
            tags = [rng.choices(tag_ids, cum_weights=weights)[0]]
        return tags[:4]

    def text(self, language, context, low=80, high=400, mode=140):
        """An account of ``low``–``high`` words in paragraphs: event sentences mixed with Faker's filler."""
        rng = self.rng
        target = int(rng.triangular(low, high, mode))
        templates, filler = self.sentences[language], self.filler[language]
        paragraphs, sentences, words = [], [], 0
        while words < target:
            sentence = rng.choice(templates).format_map(context) if rng.random() < 0.6 else rng.choice(filler)
            sentences.append(sentence)
            words += sentence.count(" ") + 1
            if rng.random() < 0.2:
                paragraphs.append(" ".join(sentences))
                sentences = []
        if sentences:
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)


class Command(BaseCommand):
    help = "Generate a realistic synthetic collection of N testimonies (deterministic for a seed), in batches."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=_positive_int, required=True, help="How many testimonies to create.")
        parser.add_argument("--seed", type=int, default=2022, help="The same seed gives the same collection.")
        parser.add_argument(
            "--batch-size", type=_positive_int, default=2000, help="Testimonies generated and written at a time."
        )
        parser.add_argument(
            "--jobs",
            type=_positive_int,
            default=1,
            help="Threads that build the search index while the next batch is generated, each on its own database "
            "connection (default 1: index each batch in its own transaction). Indexing is the slow part: on "
            "PostgreSQL use one per core.",
        )
        parser.add_argument(
            "--publish-ratio",
            type=_ratio,
            default=0.9,
            help="Share of published testimonies (0–1); the rest are drafts, in review or retracted.",
        )

    def handle(self, *args, count, seed, batch_size, publish_ratio, jobs=1, verbosity=1, **options):
        # call_command(count=...) skips argparse's type checks: check again.
        for name, value in (("--count", count), ("--batch-size", batch_size), ("--jobs", jobs)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise CommandError(f"{name} must be a whole number of at least 1, not {value!r}.")
        if not isinstance(publish_ratio, int | float) or not 0 <= publish_ratio <= 1:
            raise CommandError(f"--publish-ratio must be a number between 0 and 1, not {publish_ratio!r}.")
        if jobs > 1 and connection.in_atomic_block:
            raise CommandError(
                "--jobs above 1 indexes committed batches on other connections: run it outside a transaction."
            )
        started = time.monotonic()
        self.rng = rng = random.Random(seed)
        self.publish_ratio = publish_ratio
        with transaction.atomic():
            world = _World(rng, seed, count)
            statements = self._make_statements(world, min(max(count // 250, 20), 4000))
        floor = Testimony.objects.aggregate(m=Max("number"))["m"] or 0
        first_number = None
        pool = ThreadPoolExecutor(jobs) if jobs > 1 else None
        indexing = deque()
        try:
            with tqdm(total=count, unit=" testimonies", file=sys.stderr, disable=verbosity == 0) as progress:
                for start in range(0, count, batch_size):
                    size = min(batch_size, count - start)
                    with transaction.atomic():
                        number = Counter.allocate("testimony", count=size, floor=floor)
                        first_number = first_number or number
                        ids = self._write_batch(world, statements, number, size)
                        if pool is None:
                            search.reindex(ids)
                    if pool is not None:
                        indexing.append(pool.submit(_index_in_thread, ids))
                        while len(indexing) > jobs:  # at most `jobs` batches wait: memory stays flat
                            indexing.popleft().result()
                    progress.update(size)
                while indexing:
                    indexing.popleft().result()
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        summary.rebuild()  # the counts behind facets, totals and the timeline (COPY bypassed the signals)
        search.optimize()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics for every table just filled
        elapsed = time.monotonic() - started
        last = Testimony.format_identifier(first_number + count - 1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {count} testimonies ({Testimony.format_identifier(first_number)} to {last}), "
                f"{len(statements)} statements, {len(world.incidents)} incidents and {world.place_count} places "
                f"in {elapsed:.1f} s ({count / elapsed:,.0f} testimonies/s)."
            )
        )

    # Statements -----------------------------------------------------------------------------------------------

    def _make_statements(self, world, count):
        """Create ``count`` statements; returns their ids."""
        rng = self.rng
        floor = Statement.objects.aggregate(m=Max("number"))["m"] or 0
        first = Counter.allocate("statement", count=count, floor=floor)
        rows, incident_links = [], []
        for number in range(first, first + count):
            _, context = world.random_place()
            context = context | {"n": rng.randint(2, 20000), "street": rng.choice(data.STREETS)}
            made_on = world.random_day()
            status = rng.choices((Status.PUBLISHED, Status.RETRACTED, Status.DRAFT), (93, 2, 5))[0]
            in_russian = rng.random() < 0.5
            quote = rng.choice(data.CLAIMS_RU if in_russian else data.CLAIMS).format_map(context)
            published_at = self._moment(made_on, rng.randint(0, 30)) if status != Status.DRAFT else None
            source_id, source_slug = rng.choice(world.sources)
            rows.append(
                {
                    "number": number,
                    "identifier": f"{Statement.IDENTIFIER_PREFIX}-{number:04d}",
                    "actor_id": rng.choice(world.actors),
                    "made_on": made_on,
                    "is_date_approximate": rng.random() < 0.05,
                    "claim": rng.choice(data.CLAIMS).format_map(context),
                    "quote": quote,
                    "language": "ru" if in_russian else "en",
                    "source_id": source_id,
                    "source_url": f"https://example.org/{source_slug}/s{number}",
                    "status": status,
                    "retraction_note": rng.choice(data.RETRACTION_NOTES) if status == Status.RETRACTED else "",
                    "editor_notes": "",
                    "published_at": published_at,
                    "created": published_at or self._moment(made_on, 1),
                    "updated": published_at or self._moment(made_on, 1),
                    "version": 1,
                }
            )
            if rng.random() < 0.2 and world.incidents:
                incident_links.append((number, rng.choice(world.incidents)[0]))
        _insert(Statement, rows)
        ids = dict(Statement.objects.filter(number__gte=first).values_list("number", "pk"))
        _insert(
            Statement.incidents.through,
            [{"statement_id": ids[number], "incident_id": incident} for number, incident in incident_links],
        )
        return [ids[number] for number in range(first, first + count)]

    # Testimonies ----------------------------------------------------------------------------------------------

    def _moment(self, day, days_later):
        """A deterministic aware datetime ``days_later`` days after ``day``, at a random second."""
        return datetime.datetime.combine(day, datetime.time(), UTC) + datetime.timedelta(
            days=days_later, seconds=self.rng.randrange(86400)
        )

    def _status(self):
        u = self.rng.random()
        published = self.publish_ratio
        rest = 1 - published
        if u < published:
            return Status.PUBLISHED
        if u < published + rest * 0.2:
            return Status.RETRACTED
        if u < published + rest * 0.5:
            return Status.REVIEW
        return Status.DRAFT

    def _write_batch(self, world, statements, first_number, size):
        rng = self.rng
        witnesses, witness_of_row, rows, tag_links, incident_links, xrefs = [], [], [], [], [], []
        for index in range(size):
            number = first_number + index
            incident = rng.choice(world.incidents) if world.incidents and rng.random() < 0.08 else None
            if incident:
                incident_id, place_id, context, day = incident
                incident_links.append((index, incident_id))
            else:
                place_id, context = world.random_place()
                day = world.random_day()
            context = context | {
                "hour": rng.randint(1, 12),
                "n": rng.randint(2, 60),
                "street": rng.choice(data.STREETS),
                "day": day.day,
                "job": rng.choice(world.jobs),
            }
            context.setdefault("district", context["city"])
            context.setdefault("place", context["city"])
            if witnesses and rng.random() < 0.15:
                witness_of_row.append(rng.randrange(len(witnesses)))  # a second account by the same witness
            else:
                role = rng.choices(list(data.ROLE_WEIGHTS), list(data.ROLE_WEIGHTS.values()))[0]
                descriptor = rng.choice(data.DESCRIPTORS[role]).format_map(context)
                witnesses.append(Witness(descriptor=descriptor[:200], role=role))
                witness_of_row.append(len(witnesses) - 1)
            date_end = day
            if rng.random() < 0.15:
                date_end = min(day + datetime.timedelta(days=rng.randint(1, 5)), LAST_DAY)
            language = rng.choices(("en", "ru", "kk"), (70, 26, 4))[0]
            status = self._status()
            published_at = self._moment(date_end, rng.randint(1, 40)) if status in PUBLIC_STATUSES else None
            collected_on = date_end + datetime.timedelta(days=rng.randint(0, 30))
            source_id, source_slug = rng.choice(world.sources) if rng.random() < 0.85 else (None, None)
            rows.append(
                {
                    "number": number,
                    "identifier": Testimony.format_identifier(number),
                    "title": rng.choice(data.TITLES).format_map(context)[:200],
                    "body": world.text(language, context),
                    "language": language,
                    "translation": world.text("en", context, 40, 200, 70)
                    if language != "en" and rng.random() < 0.35
                    else "",
                    "date_start": day,
                    "date_end": date_end,
                    "part_of_day": rng.choices(("", "night", "morning", "afternoon", "evening"), (40, 20, 10, 12, 18))[
                        0
                    ],
                    "is_date_approximate": rng.random() < 0.12,
                    "place_id": place_id,
                    "source_id": source_id,
                    "source_url": f"https://example.org/{source_slug}/t{number}" if source_id else "",
                    "source_published": collected_on + datetime.timedelta(days=rng.randint(0, 10))
                    if source_id
                    else None,
                    "collected_on": collected_on,
                    "status": status,
                    "retraction_note": rng.choice(data.RETRACTION_NOTES) if status == Status.RETRACTED else "",
                    "editor_notes": "Check the dates with the source." if rng.random() < 0.1 else "",
                    "published_at": published_at,
                    "created": published_at or self._moment(collected_on, 0),
                    "updated": published_at or self._moment(collected_on, 0),
                    "version": 1,
                }
            )
            tags = world.random_tags()
            tag_links += [(index, tag) for tag in tags]
            # The row's copies of its tags and its witness's role, as indexing would write them: the rows are right
            # from their commit, before another thread (--jobs) indexes their words.
            rows[-1]["tag_ids"] = search.tag_ids_text(tags)
            rows[-1]["witness_role"] = witnesses[witness_of_row[-1]].role
            if statements and rng.random() < 0.06:
                relation = rng.choices(("corroborates", "contradicts", "context"), (45, 40, 15))[0]
                xrefs.append((index, relation, rng.choice(statements), None))
            if index and rng.random() < 0.03:
                other = rng.randrange(index)
                xrefs.append((index, rng.choice(("corroborates", "contradicts", "context")), None, other))

        Witness.objects.bulk_create(witnesses)  # returns ids on PostgreSQL and SQLite ≥ 3.35
        for row, witness in zip(rows, witness_of_row, strict=True):
            row["witness_id"] = witnesses[witness].pk
        _insert(Testimony, rows)
        ids = dict(
            Testimony.objects.filter(number__gte=first_number, number__lt=first_number + size).values_list(
                "number", "pk"
            )
        )
        ids = [ids[first_number + index] for index in range(size)]
        _insert(Testimony.tags.through, [{"testimony_id": ids[i], "tag_id": tag} for i, tag in tag_links])
        _insert(
            Testimony.incidents.through, [{"testimony_id": ids[i], "incident_id": inc} for i, inc in incident_links]
        )
        now = rows[0]["created"]
        _insert(
            CrossReference,
            [
                {
                    "testimony_id": ids[i],
                    "relation": relation,
                    "statement_id": statement,
                    "other_testimony_id": ids[other] if other is not None else None,
                    "note": data.XREF_NOTES[relation],
                    "created": now,
                }
                for i, relation, statement, other in xrefs
            ],
        )
        return ids
