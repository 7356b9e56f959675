"""Settings for the testimony archive.

Every value that differs between a laptop and a deployment is read from the environment through the helpers
below, which refuse values they do not understand instead of guessing.

Out of the box the archive runs on SQLite with DEBUG on, so a newcomer needs nothing installed. Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("With DEBUG off, set SECRET_KEY to a random string of at least 32 characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("With DEBUG off, set ALLOWED_HOSTS (comma-separated host names).")

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# The name the archive gives itself in page titles and the header; each investigation sets its own.
ARCHIVE_NAME = os.getenv("ARCHIVE_NAME", "Testimony Archive")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "testimony",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "testimony.routing.ReplicaMiddleware",
    "testimony.caching.PublicCacheMiddleware",
    "testimony.pagecache.PageCacheMiddleware",
    "testimony.querytime.QueryTimeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "archive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "testimony.context_processors.archive",
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"


def envdatabase(name: str, default: str | None = None) -> dict | None:
    """A database URL from the environment (empty counts as unset); a URL we cannot read stops the start."""
    url = os.getenv(name, "").strip() or default
    if url is None:
        return None
    try:
        return dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0"))
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise ImproperlyConfigured(f"{name} is not a database URL this archive understands: {error}") from None


# SQLite is the embedded default; DATABASE_URL (postgres://user@host:port/name) switches to PostgreSQL.
DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured("DATABASE_URL must name a SQLite or PostgreSQL database.")
PG_SESSION = "-c jit=off -c work_mem=16MB -c max_parallel_workers_per_gather=0 -c synchronize_seqscans=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries; a page's queries take milliseconds, and compiling the
    # expensive-looking ones (a search's bounded count) added ~7 ms each. A common word matches a quarter of a
    # million testimonies: with the default 4 MB its bitmap went lossy and PostgreSQL re-read 100,000 rows to
    # check them (640 ms); 16 MB keeps it exact (170 ms). No parallel workers: each would be a process started for
    # one query, and with every core already serving a reader they only add their start-up (at 8 concurrent readers
    # on 2 cores, filtered lists 34.5 -> 37.5 req/s and searches 24.0 -> 26.1 without them). No synchronized scans:
    # PostgreSQL starts a sequential scan of a large table wherever another scan of it is reading, and a bounded
    # count keeps the first 10,001 rows a scan finds, whose first 1,000 the "about" facets count. A common word sorted
    # by date then showed different approximate counts on each reading (at a million, four views of one page gave
    # four different facet panels). Off, every sequential scan starts at the table's first page: between two writes,
    # the same rows every time (index and bitmap scans already return them in a fixed order).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", PG_SESSION)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # FTS5 writes and reads happen beside ordinary ones; WAL lets readers run during a write.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

# Optional read replica for public read-only traffic (see testimony/routing.py).
if replica := envdatabase("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = replica
    if replica["ENGINE"] == "django.db.backends.postgresql":
        replica.setdefault("OPTIONS", {}).setdefault("options", PG_SESSION)
    # Tests run against one database: the replica mirrors it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
READ_REPLICA = "replica" if "replica" in DATABASES else ""
DATABASE_ROUTERS = ["testimony.routing.ReplicaRouter"]

# Where an uploaded import waits between its preview and its confirmation. With several app servers, point it at
# storage they share (or pin editors to one server), or a confirmation reaching another server finds nothing.
IMPORT_UPLOAD_DIR = os.getenv("IMPORT_UPLOAD_DIR", str(Path(tempfile.gettempdir()) / "testimony-imports"))

# Seconds a CDN or browser may keep an anonymous reader's page (0 disables); editors' pages are never cached.
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", "0" if DEBUG else "60")

# Longest one database query may run while an anonymous reader's page is rendered (testimony/querytime.py): past
# it the query is stopped and the reader asked to narrow the request (503). 0: no limit. Editors, the admin,
# commands and exports are never limited.
PUBLIC_QUERY_SECONDS = envint("PUBLIC_QUERY_SECONDS", "5")
if PUBLIC_QUERY_SECONDS < 0:
    raise ImproperlyConfigured(
        f"PUBLIC_QUERY_SECONDS={PUBLIC_QUERY_SECONDS}: use a number of seconds, or 0 for no limit."
    )

# Anonymous readers' pages kept rendered on the server until the archive next changes (testimony/pagecache.py);
# 0 disables. By default each process keeps its own PAGE_CACHE_ENTRIES pages in memory, PAGE_CACHE_MB at most;
# PAGE_CACHE_URL=redis://... shares one store between processes and servers (needs `pip install redis`).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "0" if DEBUG else "600")
# The vocabulary every page names things with (places, tags, sources, incidents, the filter form's lists), kept by
# each process until the archive next changes (testimony/pagecache.py, memoize), with or without the page cache.
KEEP_VOCABULARY = envbool("KEEP_VOCABULARY", "0" if DEBUG else "1")
# Each process's own store holds at most PAGE_CACHE_MB megabytes of pages as well (testimony/pagestore.py).
PAGE_CACHE_MB = envint("PAGE_CACHE_MB", "32")
if PAGE_CACHE_MB < 1:
    raise ImproperlyConfigured(f"PAGE_CACHE_MB={PAGE_CACHE_MB}: use a number of megabytes, 1 or more.")
_PAGE_CACHE_URL = os.getenv("PAGE_CACHE_URL", "").strip()
if _PAGE_CACHE_URL and not _PAGE_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"PAGE_CACHE_URL={_PAGE_CACHE_URL!r}: use a redis://host:port/db URL or leave it unset.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _PAGE_CACHE_URL,
            # An unreachable or stalled Redis costs a request one second, not the system's TCP time-out; the page is
            # then rendered without the store (testimony.pagecache).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if _PAGE_CACHE_URL
        else {
            "BACKEND": "testimony.pagestore.BoundedMemoryCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", "500"), "MAX_BYTES": PAGE_CACHE_MB * 2**20},
        }
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
