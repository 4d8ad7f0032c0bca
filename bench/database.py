"""The benchmark's own PostgreSQL database: created, set up, dropped; Django pointed at it.

The maintenance URL is ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``);
the run works in ``bench_<scale>`` beside it and never touches the URL's own database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"

# What docs/operations.md recommends for production on a machine like this one (2 cores, ~24 GB,
# SSD), set per database with ALTER DATABASE so the server's other databases keep theirs.
# shared_buffers needs a restart and is server-wide: the bench reports it, never changes it.
PRODUCTION_SETTINGS = {
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "effective_cache_size": "16GB",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    "jit": "off",
    "default_statistics_target": "200",
}


def maintenance_url() -> str:
    return os.environ.get("BENCH_MAINTENANCE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL


def database_url(name: str) -> str:
    parts = urlsplit(maintenance_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin():
    import psycopg

    return psycopg.connect(maintenance_url(), autocommit=True)


def create(name: str, *, pg_settings: str = "default") -> None:
    """A fresh empty database ``name`` (an old one of that name is dropped)."""
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to create {name!r}: the benchmark's databases are bench_*")
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    apply_settings(name, pg_settings)


def apply_settings(name: str, pg_settings: str) -> dict[str, str]:
    """Per-database settings: production's (docs/operations.md) or the server's defaults."""
    with _admin() as admin:
        admin.execute(f'ALTER DATABASE "{name}" RESET ALL')
        if pg_settings == "production":
            for key, value in PRODUCTION_SETTINGS.items():
                admin.execute(f"ALTER DATABASE \"{name}\" SET {key} = '{value}'")
    return current_settings(name)


def current_settings(name: str) -> dict[str, str]:
    import psycopg

    keys = ["shared_buffers", *PRODUCTION_SETTINGS]
    with psycopg.connect(database_url(name)) as connection:
        return {key: connection.execute(f"SHOW {key}").fetchone()[0] for key in keys}


def drop(name: str) -> None:
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}")
    try:
        from django.db import connections

        connections.close_all()
    except Exception:
        pass
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version() -> str:
    with _admin() as admin:
        return admin.execute("SHOW server_version").fetchone()[0]


def setup_django(url: str) -> None:
    """Django on ``url`` with the product's settings (``DJANGO_SETTINGS_MODULE`` may override)."""
    os.environ.setdefault("BENCH_MAINTENANCE_URL", maintenance_url())
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
    os.environ.setdefault("EMAIL_URL", "dummy://")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
