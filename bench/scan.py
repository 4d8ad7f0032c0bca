"""The scan at scale: N projects generated with SQL, then the scan timed against the bare query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kfq .venv/bin/python bench/scan.py \\
        --projects 100000 --zones 100

Works in a throwaway database beside DATABASE_URL's (``<name>_bench``, created and dropped), on
PostgreSQL only (the design's production database). Prints one JSON object:

- ``bare_sql_seconds``: one hand-written COUNT of stalled projects, default thresholds as literals;
- ``stalls_count_seconds``: ``projects.selectors.stalls(...).count()``, thresholds read from the
  rule rows inside the SQL;
- ``scan_seconds``: ``notifications.services.scan`` over every zone in this one process (the
  Celery fan-out runs the same per-zone code on many workers), the first run raising the alerts,
  letters and interviews; ``rescan_seconds``: the second run, which creates nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
os.environ.setdefault("EMAIL_URL", "dummy://")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

AS_OF = datetime.date(2025, 6, 30)

BARE_SQL = """
SELECT count(*) FROM projects_project WHERE
  (signed_on <= %(d)s AND (started_on IS NULL OR started_on > %(d)s)
   AND (terminated_on IS NULL OR terminated_on > %(d)s)
   AND (signed_on < %(d)s::date - 180 OR planned_start_on < %(d)s))
  OR (started_on <= %(d)s AND (producing_on IS NULL OR producing_on > %(d)s)
   AND (terminated_on IS NULL OR terminated_on > %(d)s)
   AND (started_on < %(d)s::date - 365 OR planned_production_on < %(d)s))
  OR (producing_on <= %(d)s AND (at_target_on IS NULL OR at_target_on > %(d)s)
   AND (terminated_on IS NULL OR terminated_on > %(d)s)
   AND (producing_on < %(d)s::date - 365 OR planned_target_on < %(d)s))
"""

GENERATE = """
INSERT INTO projects_project (
  name, investor, zone_id, industry_chain, tier, category, total_investment, funds_in_place,
  is_standard_land, is_commitment_based, is_fully_agented, officer_id, stage, signed_on,
  started_on, producing_on, at_target_on, termination_reason, version, created_at, updated_at)
SELECT '项目' || i, '投资方' || i, %(zone0)s + i %% %(zones)s, '新材料',
  (ARRAY['national', 'provincial', 'county'])[1 + i %% 3], 'industry', 1000, 0,
  false, false, false, %(user0)s + i %% %(zones)s,
  (ARRAY['signed', 'started', 'producing', 'at_target'])[1 + i %% 4], d,
  CASE WHEN i %% 4 >= 1 THEN d + 100 END, CASE WHEN i %% 4 >= 2 THEN d + 200 END,
  CASE WHEN i %% 4 = 3 THEN d + 300 END, '', 1, now(), now()
FROM generate_series(1, %(projects)s) AS i,
  LATERAL (SELECT date '2022-01-01' + (i * 37) %% 1200 AS d) AS day
"""


def _timed(function):
    started = time.perf_counter()
    value = function()
    return value, round(time.perf_counter() - started, 3)


def generate(projects: int, zones: int) -> None:
    from django.contrib.auth import get_user_model

    from projects.models import City, Membership, Zone
    from projects.roles import Role

    city = City.objects.create(name="基准市")
    zone_rows = Zone.objects.bulk_create(
        Zone(
            code=f"bench-{n}",
            name=f"基准开发区{n}",
            city=city,
            category="industrial",
            level="provincial",
        )
        for n in range(zones)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"officer-{n}") for n in range(zones)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.OFFICER, zone=zone)
        for user, zone in zip(users, zone_rows, strict=True)
    )
    supervisor = get_user_model().objects.create(username="bench-supervisor")
    Membership.objects.create(user=supervisor, role=Role.SUPERVISOR, city=city)
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {
                "zone0": min(z.pk for z in zone_rows),
                "user0": min(u.pk for u in users),
                "zones": zones,
                "projects": projects,
            },
        )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--zones", type=int, default=100)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/scan.py needs DATABASE_URL=postgres://…")

    database = settings.DATABASES["default"]
    database["TEST"] = {**database.get("TEST", {}), "NAME": f"{database['NAME']}_bench"}
    creation = connection.creation
    old_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from notifications.models import Alert, Interview, Letter
        from notifications.services import scan
        from projects.models import Project
        from projects.selectors import stalls

        _, generate_seconds = _timed(lambda: generate(args.projects, args.zones))

        def bare() -> int:
            with connection.cursor() as cursor:
                cursor.execute(BARE_SQL, {"d": AS_OF})
                return cursor.fetchone()[0]

        bare_count, bare_seconds = _timed(bare)
        bare_count, bare_seconds = _timed(bare)  # warm, as the selector's run below
        stalled, stalls_seconds = _timed(lambda: stalls(Project.objects.all(), as_of=AS_OF).count())
        created, scan_seconds = _timed(lambda: scan(as_of=AS_OF))
        again, rescan_seconds = _timed(lambda: scan(as_of=AS_OF))
        result = {
            "database": "postgresql",
            "projects": args.projects,
            "zones": args.zones,
            "as_of": AS_OF.isoformat(),
            "generate_seconds": generate_seconds,
            "stalled_bare_sql": bare_count,
            "stalled_selector": stalled,
            "bare_sql_seconds": bare_seconds,
            "stalls_count_seconds": stalls_seconds,
            "scan_seconds": scan_seconds,
            "alerts_created": created,
            "letters": Letter.objects.count(),
            "interviews": Interview.objects.count(),
            "rescan_seconds": rescan_seconds,
            "rescan_created": again,
            "alerts_total": Alert.objects.count(),
        }
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
