"""Settings come from the environment, and a value the archive cannot use stops it with a message, not a traceback
from deep inside Django. Each case starts a fresh interpreter: settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT = "from django.conf import settings; import json; print(json.dumps({0}))"


def _settings(expression, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "PAGE_CACHE", "DEBUG", "KEEP_", "PUBLIC_QUERY"))
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="archive.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT.format(expression)], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_out_of_the_box_pages_and_the_vocabulary_are_not_kept_on_a_laptop():
    result = _settings("[settings.PAGE_CACHE_SECONDS, settings.CACHES['pages']['BACKEND'], settings.KEEP_VOCABULARY]")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[0, "testimony.pagestore.BoundedMemoryCache", false]'


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "archive.example"}


def test_in_production_pages_are_kept_ten_minutes_in_each_process_up_to_32_mb():
    result = _settings(
        "[settings.PAGE_CACHE_SECONDS, settings.CACHES['pages']['OPTIONS'], settings.KEEP_VOCABULARY]", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[600, {"MAX_ENTRIES": 500, "MAX_BYTES": 33554432}, true]'
    smaller = _settings("settings.CACHES['pages']['OPTIONS']['MAX_BYTES']", PAGE_CACHE_MB="8", **PRODUCTION)
    assert smaller.stdout.strip() == str(8 * 2**20), smaller.stderr


def test_the_vocabulary_stays_kept_with_the_page_cache_off_unless_switched_off():
    kept = _settings("settings.KEEP_VOCABULARY", PAGE_CACHE_SECONDS="0", **PRODUCTION)
    assert kept.stdout.strip() == "true", kept.stderr
    off = _settings("settings.KEEP_VOCABULARY", KEEP_VOCABULARY="0", **PRODUCTION)
    assert off.stdout.strip() == "false", off.stderr


def test_a_reader_s_queries_are_limited_to_five_seconds_unless_configured():
    assert _settings("settings.PUBLIC_QUERY_SECONDS", **PRODUCTION).stdout.strip() == "5"
    assert _settings("settings.PUBLIC_QUERY_SECONDS", PUBLIC_QUERY_SECONDS="0").stdout.strip() == "0"


def test_a_redis_url_shares_the_page_store():
    result = _settings("settings.CACHES['pages']", PAGE_CACHE_URL="redis://cache.internal:6379/2")
    assert result.returncode == 0, result.stderr
    assert '"BACKEND": "django.core.cache.backends.redis.RedisCache"' in result.stdout
    assert '"LOCATION": "redis://cache.internal:6379/2"' in result.stdout
    assert '"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}' in result.stdout  # a store that hangs


def _deploy_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PAGE_CACHE", "DEBUG", "KEEP_"))}
    clean.update(PRODUCTION, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_a_shared_page_store_without_the_redis_client_stops_the_checks(settings, monkeypatch):
    from testimony import checks

    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    monkeypatch.setattr(checks, "_installed", lambda package: False)  # as on a machine without it
    assert [error.id for error in checks.page_store_can_be_reached()] == ["testimony.E001"]
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "testimony.pagestore.BoundedMemoryCache"}}
    assert checks.page_store_can_be_reached() == []


def test_check_deploy_asks_for_a_shared_page_store_until_one_is_set():
    alone = _deploy_check()
    assert "testimony.W001" in alone.stderr + alone.stdout
    assert "set PAGE_CACHE_URL=redis://host:port/db" in alone.stderr + alone.stdout
    shared = _deploy_check(PAGE_CACHE_URL="redis://cache.internal:6379/2")  # the check reads settings, not Redis
    assert "testimony.W001" not in shared.stderr + shared.stdout
    off = _deploy_check(PAGE_CACHE_SECONDS="0")
    assert "testimony.W001" not in off.stderr + off.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PAGE_CACHE_URL": "memcached://cache:11211"}, "PAGE_CACHE_URL='memcached://cache:11211': use a redis://"),
        ({"PAGE_CACHE_SECONDS": "ten"}, "PAGE_CACHE_SECONDS='ten' is not a whole number"),
        ({"PAGE_CACHE_MB": "0"}, "PAGE_CACHE_MB=0: use a number of megabytes, 1 or more."),
        ({"DATABASE_URL": "mysql://db/archive"}, "DATABASE_URL must name a SQLite or PostgreSQL database."),
        ({"DEBUG": "0"}, "With DEBUG off, set SECRET_KEY"),
        ({"PUBLIC_QUERY_SECONDS": "-1"}, "PUBLIC_QUERY_SECONDS=-1: use a number of seconds, or 0 for no limit."),
    ],
)
def test_a_value_the_archive_cannot_use_stops_it_with_a_message(env, message):
    result = _settings("settings.DEBUG", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_postgresql_sessions_run_without_jit_parallel_workers_or_synchronized_scans_and_with_room_for_a_bitmap():
    result = _settings(
        "settings.DATABASES['default']['OPTIONS']", DATABASE_URL="postgres://archive@db.internal:5432/archive"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "-c jit=off -c work_mem=16MB -c max_parallel_workers_per_gather=0 -c synchronize_seqscans=off" in result.stdout
    )
