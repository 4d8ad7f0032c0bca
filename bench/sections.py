"""The measurements, one function per section of ``--only``; each returns its figures.

Every product figure goes through the product's public functions or URLs as they are on the
branch measured; every limit is the same work with nothing of the product around it.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from bench.figures import Figure, beside, judged, timings

BIG_CITY = "临汾市"
PROVINCE = "山西省"
SUPERVISOR = "c1-supervisor"
OFFICER = "linfen-etdz-officer"
# Runs behind a p95: nearest-rank p95 of 20 is the second slowest, so one stray pause (a
# checkpoint, autovacuum, a collection) does not decide the figure alone, as it did at 10.
P95_RUNS = 20


@dataclass
class Context:
    scale: int
    today: datetime.date
    repeat: int
    database_url: str
    progress: Callable
    folder: str
    scan_budget: float = 45.0


# ----------------------------------------------------------------------------------------------
# Bare SQL
# ----------------------------------------------------------------------------------------------


def run_sql(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


# The stalled set with the default thresholds as literals (DESIGN.md §4).
BARE_STALLS_WHERE = """
  ((p.stage = 'signed' AND (p.signed_on < %(d)s::date - 180
                            OR p.planned_start_on < %(d)s))
   OR (p.stage = 'started' AND (p.started_on < %(d)s::date - 365
                               OR p.planned_production_on < %(d)s))
   OR (p.stage = 'producing' AND (p.producing_on < %(d)s::date - 365
                                 OR p.planned_target_on < %(d)s)))
"""


def bare_stalls_page(where: str = "true", limit: int = 50) -> str:
    """The first page of the 三未 ledger, most days over first, zone and leader joined."""
    return f"""
    SELECT p.id, p.name, z.code, u.username,
           CASE p.stage WHEN 'signed' THEN %(d)s::date - p.signed_on - 180
                        WHEN 'started' THEN %(d)s::date - p.started_on - 365
                        ELSE %(d)s::date - p.producing_on - 365 END AS days_over
    FROM projects_project p JOIN projects_zone z ON z.id = p.zone_id
    JOIN projects_city c ON c.id = z.city_id
    LEFT JOIN auth_user u ON u.id = p.leader_id
    WHERE {where} AND {BARE_STALLS_WHERE}
    ORDER BY days_over DESC, p.id LIMIT {limit}
    """


def bare_rates(where: str = "true", by_zone: bool = False) -> str:
    """The three rates' aggregate (terminated projects in the denominator, the default basis)."""
    group = "e.kind, p.zone_id" if by_zone else "e.kind"
    joins = ""  # only the joins the narrowing needs: the limit is the least work for the answer
    if "z." in where or "c." in where:
        joins += " JOIN projects_zone z ON z.id = p.zone_id"
    if "c." in where:
        joins += " JOIN projects_city c ON c.id = z.city_id"
    return f"""
    SELECT {group}, count(*), sum(p.total_investment),
      count(*) FILTER (WHERE p.terminated_on <= %(d)s),
      count(*) FILTER (WHERE p.started_on <= %(d)s),
      count(*) FILTER (WHERE p.in_statistics_on <= %(d)s),
      count(*) FILTER (WHERE p.producing_on <= %(d)s),
      count(*) FILTER (WHERE p.at_target_on <= %(d)s),
      count(*) FILTER (WHERE p.above_scale_on <= %(d)s),
      sum(p.actual_annual_output) FILTER (WHERE p.actual_annual_output IS NOT NULL
                                          AND p.target_annual_output IS NOT NULL),
      sum(p.target_annual_output) FILTER (WHERE p.actual_annual_output IS NOT NULL
                                          AND p.target_annual_output IS NOT NULL)
    FROM projects_enrollment e JOIN projects_project p ON p.id = e.project_id {joins}
    WHERE {where}
    GROUP BY {group}
    """


# ----------------------------------------------------------------------------------------------
# The scan
# ----------------------------------------------------------------------------------------------


# What a scan writes. A first run starts from none of it (a --reuse too).
SCAN_TABLES = (
    "notifications_alert",
    "notifications_delivery",
    "notifications_interview",
    "notifications_letter",
    "notifications_lettersequence",
    "notifications_scanmark",
)
# The rows of a first run the write floor copies (the letter numbers' counters are a few rows).
WRITTEN_TABLES = SCAN_TABLES[:4]


def scan_reset() -> None:
    run_sql(f"TRUNCATE {', '.join(SCAN_TABLES)} CASCADE")


def write_floor() -> tuple[float, dict]:
    """The first run's rows copied by one ``INSERT … SELECT`` per table, in one transaction,
    into copies with the same columns, defaults, checks and indexes (``LIKE … INCLUDING ALL``:
    no foreign keys, so no triggers). What writing them costs with nothing computed."""
    from django.db import transaction

    copies = {table: f"bench_floor_{table}" for table in WRITTEN_TABLES}
    for table, copy in copies.items():
        run_sql(f"DROP TABLE IF EXISTS {copy}")
        run_sql(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
    per_table = {}
    try:
        started = time.perf_counter()
        with transaction.atomic():
            for table, copy in copies.items():
                at = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table}")
                    rows = cursor.rowcount
                per_table[table.removeprefix("notifications_")] = {
                    "rows": rows,
                    "seconds": round(time.perf_counter() - at, 3),
                }
            inserted = time.perf_counter()
        seconds = time.perf_counter() - started
    finally:
        for copy in copies.values():
            run_sql(f"DROP TABLE IF EXISTS {copy}")
    return seconds, {**per_table, "commit_seconds": round(time.perf_counter() - inserted, 3)}


def scan_section(ctx: Context) -> list[Figure]:
    from bench.fanout import PROCESSES, ScanWorker, fanout_scan
    from notifications.models import Alert
    from notifications.services import city_scan, scan_zones_to_check
    from projects.models import Project, Zone
    from projects.selectors import stalls

    d = {"d": ctx.today}
    bare_sql = f"SELECT count(*) FROM projects_project p WHERE {BARE_STALLS_WHERE}"
    bare = timings(lambda: run_sql(bare_sql, d), ctx.repeat)
    bare_count = run_sql(bare_sql, d)[0][0]
    bare_seconds = statistics.median(bare)
    selector = timings(lambda: stalls(Project.objects.all(), as_of=ctx.today).count(), ctx.repeat)
    found = stalls(Project.objects.all(), as_of=ctx.today).count()
    figures = [
        beside(
            "scan.detection",
            "stalled projects counted by projects.selectors.stalls (the scan's 三未 finder)",
            selector,
            bare,
            "one COUNT with the default thresholds as literals",
            unit="s",
            target="≤ 3 × bare SQL",
            ratio_at_most=3,
            extra={"stalled": found, "stalled_bare_sql": bare_count},
        )
    ]
    zones = Zone.objects.count()
    cities = Zone.objects.values("city_id").distinct().count()

    def one_process(label: str) -> tuple[float, int, int]:
        """``scan()`` as ``manage.py scan`` runs it, in this process: the plan, then one
        ``city_scan`` pass per city that may raise something. Past ``ctx.scan_budget`` seconds
        it stops and the time is extrapolated (a reset follows: no need to pass the rest)."""
        done = 0
        started = time.perf_counter()
        busy = scan_zones_to_check(as_of=ctx.today)
        planned = time.perf_counter() - started
        to_pass = list(
            Zone.objects.filter(pk__in=busy)
            .order_by("city_id")
            .values_list("city_id", flat=True)
            .distinct()
        )
        passing = time.perf_counter()
        for city_id in ctx.progress(to_pass, desc=label, unit="city", leave=False):
            city_scan(as_of=ctx.today, city_id=city_id)
            done += 1
            if ctx.scan_budget and time.perf_counter() - passing > ctx.scan_budget:
                break
        passes = (time.perf_counter() - passing) * (len(to_pass) / done if done else 1)
        return planned + passes, done, len(to_pass)

    scan_reset()  # a first run, even on a --reuse
    alone, alone_done, alone_cities = one_process("scan, first run in one process")
    scan_reset()
    worker = ScanWorker(ctx.database_url, Path(ctx.folder))
    try:
        first = fanout_scan(
            worker,
            label="scan, first run",
            as_of=ctx.today,
            budget=ctx.scan_budget,
            progress=ctx.progress,
        )
        floor, floor_tables = write_floor()  # the worker idle beside it
        created = Alert.objects.count()
        # What autovacuum does within a minute of the first run's million rows, and long before
        # the next morning's scan: without it the re-run is planned on an alerts table seen as
        # empty.
        run_sql(
            "ANALYZE notifications_alert, notifications_delivery, notifications_letter, "
            "notifications_interview"
        )
        again = fanout_scan(
            worker,
            label="scan, re-run",
            as_of=ctx.today,
            budget=ctx.scan_budget,
            progress=ctx.progress,
        )
        created_again = Alert.objects.count() - created
        next_day = fanout_scan(
            worker,
            label="scan, next day",
            as_of=ctx.today + datetime.timedelta(days=1),
            budget=ctx.scan_budget,
            progress=ctx.progress,
        )
        created_next_day = Alert.objects.count() - created - created_again
    finally:
        worker.stop()

    def fanned(
        name: str,
        timed,
        count: int,
        ceiling: float | None,
        what: str,
        limit: float,
        limit_what: str,
    ) -> Figure:
        figure = Figure(
            name,
            f"{what}: the plan, then one scan_city_task per busy city on a Celery worker of "
            f"{PROCESSES} processes",
            round(timed.seconds, 3),
            "s",
            stat=f"extrapolated from {timed.zones_done} zones" if timed.extrapolated else "once",
            limit=round(limit, 3),
            limit_what=limit_what,
            ratio=round(timed.seconds / limit, 1),
            target=f"< {ceiling} s at 1,000,000" if ceiling else "reported",
            extra={
                "alerts_created": count,
                "zones": zones,
                "zones_to_pass": timed.zones_to_pass,
                "zones_done": timed.zones_done,
                "extrapolated": timed.extrapolated,
                "plan_seconds": round(timed.planned_seconds, 3),
                "worker_processes": PROCESSES,
                "bare_count_seconds": round(bare_seconds, 3),
            },
        )
        return judged(figure, below=ceiling) if ceiling else figure

    floor_what = "its rows copied by INSERT … SELECT (scan.first_run.write_floor)"
    figures += [
        fanned(
            "scan.first_run",
            first,
            created,
            30,
            "the full scan, alerts, letters and interviews written",
            floor,
            floor_what,
        ),
        Figure(
            "scan.first_run.write_floor",
            "the first run's alerts, deliveries, interviews and letters copied by one "
            "INSERT … SELECT per table into copies with the same indexes, one transaction",
            round(floor, 3),
            "s",
            stat="once",
            target="reported (the physical limit of the first run's writes)",
            extra=floor_tables,
        ),
        Figure(
            "scan.first_run.one_process",
            "the same first run as manage.py scan runs it: one city_scan per city, one process",
            round(alone, 3),
            "s",
            stat="once" if alone_done == alone_cities else f"extrapolated from {alone_done} cities",
            limit=round(floor, 3),
            limit_what=floor_what,
            ratio=round(alone / floor, 1),
            target="reported",
            extra={
                "cities": cities,
                "cities_to_pass": alone_cities,
                "cities_scanned": alone_done,
                "extrapolated": alone_done < alone_cities,
            },
        ),
        fanned(
            "scan.rerun",
            again,
            created_again,
            3,
            "the same scan again, nothing new to write",
            bare_seconds,
            "the bare COUNT of the stalled set",
        ),
        fanned(
            "scan.next_day",
            next_day,
            created_next_day,
            None,
            "the next day's scan: the findings that reached a ladder step overnight",
            bare_seconds,
            "the bare COUNT of the stalled set",
        ),
    ]
    figures[-1].extra["alerts_total"] = Alert.objects.count()
    return figures


# ----------------------------------------------------------------------------------------------
# The three rates
# ----------------------------------------------------------------------------------------------


def rates_section(ctx: Context) -> list[Figure]:
    from projects.models import City
    from reports.selectors import Basis, Narrowing, three_rates
    from reports.services import rollups_refresh

    # The day's usual state: the rollup refreshed (timed once, as its own figure) a while after
    # the generated rows were written.
    refresh = timings(lambda: rollups_refresh(as_of=ctx.today), 1, warmup=0)
    city = City.objects.get(name=BIG_CITY)
    basis = Basis.of(None)  # every generated city keeps the default basis
    d = {"d": ctx.today, "city": city.pk, "province": PROVINCE}
    cases = [
        (
            "rates.city",
            "three rates of one city",
            Narrowing(city_id=city.pk),
            "z.city_id = %(city)s",
            False,
        ),
        (
            "rates.province",
            "three rates of one province (~10 cities)",
            Narrowing(province=PROVINCE),
            "c.province = %(province)s",
            False,
        ),
        ("rates.country", "three rates of the whole country", Narrowing(), "true", False),
        (
            "rates.province_by_zone",
            "three rates of a province, by zone",
            Narrowing(province=PROVINCE),
            "c.province = %(province)s",
            True,
        ),
    ]
    figures = [
        beside(
            "rates.rollup_refresh",
            "every zone's three-rates rollup (reports.services.rollups_refresh)",
            refresh,
            None,
            None,
            unit="s",
        )
    ]
    for name, what, narrowing, where, by_zone in ctx.progress(
        cases, desc="three rates", leave=False
    ):
        product = timings(
            lambda n=narrowing, b=by_zone: three_rates(
                narrowing=n, as_of=ctx.today, basis=basis, by_zone=b
            ),
            ctx.repeat,
        )
        sql = bare_rates(where, by_zone)
        bare = timings(lambda s=sql: run_sql(s, d), ctx.repeat)
        country = name == "rates.country"
        figures.append(
            beside(
                name,
                what + " (reports.selectors.three_rates)",
                product,
                bare,
                "the bare SQL aggregate",
                unit="s",
                target="< 0.5 s, ≤ 2 × bare SQL" if country else None,
                below=0.5 if country else None,
                ratio_at_most=2 if country else None,
            )
        )
    return figures


# ----------------------------------------------------------------------------------------------
# Requests in process: the API and the pages, beside the SQL they ran
# ----------------------------------------------------------------------------------------------


def _client(username: str):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_X_FORWARDED_PROTO="https", secure=True)
    client.force_login(user)
    return client


def _request_beside_sql(
    ctx: Context, name: str, what: str, client, url: str, *, tables: tuple[str, ...], target: bool
) -> Figure:
    """p95 of ``url``'s answer beside p95 of re-running the SQL it ran on ``tables``."""
    from django.test.utils import CaptureQueriesContext

    def get() -> None:
        answer = client.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}: {answer.content[:300]!r}")

    runs = max(ctx.repeat, P95_RUNS)
    measured = timings(get, runs)
    with CaptureQueriesContext(connection) as captured:
        get()
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if any(table in q["sql"] for table in tables) and q["sql"].lstrip().startswith("SELECT")
    ]

    def sql_alone() -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    bare = timings(sql_alone, runs)
    return beside(
        name,
        what,
        measured,
        bare,
        f"its {len(statements)} SQL statement(s) on {', '.join(tables)} alone",
        stat="p95",
        target="p95 < 150 ms, ≤ 3 × bare SQL" if target else None,
        below=150 if target else None,
        ratio_at_most=3 if target else None,
        extra={"url": url, "queries": len(captured.captured_queries)},
    )


def stalls_section(ctx: Context) -> list[Figure]:
    from projects.models import Project
    from projects.selectors import stall_page_rows

    supervisor = _client(SUPERVISOR)
    figures = [
        _request_beside_sql(
            ctx,
            "stalls.city_api",
            "GET /api/v1/stalls/ first page, as the city's supervisor",
            supervisor,
            "/api/v1/stalls/",
            tables=("projects_project",),
            target=True,
        )
    ]
    # No role sees exactly a province: the selector, narrowed to the province, as the API pages it.
    projects = Project.objects.filter(zone__city__province=PROVINCE)

    def province_page() -> None:
        list(stall_page_rows(projects, as_of=ctx.today)[:50])

    product = timings(province_page, max(ctx.repeat, P95_RUNS))
    sql = bare_stalls_page("c.province = %(province)s")
    bare = timings(
        lambda: run_sql(sql, {"d": ctx.today, "province": PROVINCE}), max(ctx.repeat, P95_RUNS)
    )
    figures.append(
        beside(
            "stalls.province",
            "first 50 stalls of a province (projects.selectors.stall_page_rows, as the API pages it)",
            product,
            bare,
            "the bare SQL page",
            stat="p95",
            target="p95 < 150 ms, ≤ 3 × bare SQL",
            below=150,
            ratio_at_most=3,
        )
    )
    admin = _client("bench-admin")
    figures.append(
        _request_beside_sql(
            ctx,
            "stalls.country_api",
            "GET /api/v1/stalls/ first page, as a superuser (the whole country)",
            admin,
            "/api/v1/stalls/",
            tables=("projects_project",),
            target=False,
        )
    )
    return figures


LIST_FILTERS = (
    ("all", ""),
    ("stage", "stage=started"),
    ("q", "q=新能源"),
    ("stalled", "stalled=true"),
)


def lists_section(ctx: Context) -> list[Figure]:
    figures = []
    cases = [
        (who, surface, filter_name, query)
        for who in ("supervisor", "officer")
        for surface in ("api", "page")
        for filter_name, query in LIST_FILTERS
    ]
    clients = {"supervisor": _client(SUPERVISOR), "officer": _client(OFFICER)}
    for who, surface, filter_name, query in ctx.progress(cases, desc="list pages", leave=False):
        path = "/api/v1/projects/" if surface == "api" else "/projects/"
        url = f"{path}?{query}" if query else path
        figures.append(
            _request_beside_sql(
                ctx,
                f"list.{surface}.{who}.{filter_name}",
                f"GET {url} first page, as {'the city supervisor' if who == 'supervisor' else 'an officer'}",
                clients[who],
                url,
                tables=("projects_project",),
                target=True,
            )
        )
    figures.extend(_other_pages(ctx, clients))
    return figures


def _other_pages(ctx: Context, clients: dict) -> list[Figure]:
    """The other daily pages at this scale (reported beside their SQL, no target of their own):
    the supervisor's dashboard, 三未 page and inbox, an officer's project page."""
    from projects.models import Project

    project = (
        Project.objects.filter(zone__code=OFFICER.removesuffix("-officer"))
        .order_by("-signed_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    pages = [
        ("page.dashboard.supervisor", "supervisor", "/dashboard/"),
        ("page.stalls.supervisor", "supervisor", "/stalls/"),
        ("page.inbox.supervisor", "supervisor", "/inbox/"),
        ("page.project.officer", "officer", f"/projects/{project}/"),
    ]
    return [
        _request_beside_sql(
            ctx,
            name,
            f"GET {url}, as {'the city supervisor' if who == 'supervisor' else 'an officer'}",
            clients[who],
            url,
            tables=("projects_", "workflow_", "notifications_", "reports_"),
            target=False,
        )
        for name, who, url in ctx.progress(pages, desc="other pages", leave=False)
    ]
