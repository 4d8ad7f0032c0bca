"""Workbooks and the ledger import, each measured in a child process of its own.

A child (``python -m bench child WHAT --file F``, DATABASE_URL set by the parent) sets Django
up, notes its peak resident memory (``resource.getrusage(...).ru_maxrss``), runs the task once
as a warm-up and ``--runs`` times timed, and prints one JSON line: the timings and the peak
resident memory the task added over the set-up process (and the absolute peak). The bare
XlsxWriter limit writes the cells read back from the product's workbook, in constant-memory mode
(``bench/reports_bench.py``'s approach).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import Figure, beside, judged, summary

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROWS = 10_000


def prepare_import(folder: Path, rows: int) -> Path:
    """An empty zone in the big city with its officer and leaders, and a ledger of ``rows`` new
    projects for it (``bench/reports_bench.py``'s ledger)."""
    from django.contrib.auth import get_user_model

    from bench.reports_bench import IMPORT_ZONE, SEED, _import_spec, _write_ledger
    from bench.sections import BIG_CITY
    from demo.planner import ZoneStaff
    from projects.models import City, Membership, Zone
    from projects.roles import Role

    spec = _import_spec()
    zone, _ = Zone.objects.get_or_create(
        code=IMPORT_ZONE,
        defaults={
            "name": spec.name,
            "city": City.objects.get(name=BIG_CITY),
            "county": spec.county,
            "category": spec.category,
            "level": spec.level,
        },
    )
    names = [f"{IMPORT_ZONE}-officer"] + [f"{IMPORT_ZONE}-leader{i}" for i in range(4)]
    for index, username in enumerate(names):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": f"导入{index}"}
        )
        if created:
            role = Role.OFFICER if index == 0 else Role.ZONE_LEADER
            Membership.objects.create(user=user, role=role, zone=zone)
    ledger = folder / "ledger.xlsx"
    _write_ledger(
        ledger, rows, ZoneStaff(names[0], names[0], tuple(names[1:])), random.Random(SEED)
    )
    return ledger


def run_child(what: str, file: Path, runs: int, warmup: int = 1) -> dict:
    command = [sys.executable, "-m", "bench", "child", what, "--file", str(file)]
    command += ["--runs", str(runs), "--warmup", str(warmup)]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, env=os.environ.copy()
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"the {what} measurement failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(what: str, file: Path, runs: int, warmup: int = 1) -> int:
    import resource

    from django.db import connection

    connection.ensure_connection()
    task = _task(what, file)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for _ in range(warmup):
        task()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        task()
        seconds.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = file.stat().st_size if what in {"weekly", "monthly"} else None
    print(
        json.dumps(
            {"seconds": seconds, "peak_mib": peak - baseline, "rss_mib": peak, "bytes": size}
        )
    )
    return 0


def _task(what: str, file: Path):
    from django.db import transaction

    from bench.sections import BIG_CITY

    today = datetime.date.today()
    if what == "weekly":
        from reports.exports import Reach, weekly_export

        week = "{}-W{:02d}".format(*today.isocalendar()[:2])

        def weekly() -> None:
            with file.open("wb") as out:
                weekly_export(
                    out, Reach.everything(), zone=None, city=BIG_CITY, week=week, today=today
                )

        return weekly
    if what == "monthly":
        from reports.exports import Reach, monthly_export

        month = f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"

        def monthly() -> None:
            with file.open("wb") as out:
                monthly_export(out, Reach.everything(), city=BIG_CITY, month=month, today=today)

        return monthly
    if what in {"weekly_bare", "monthly_bare"}:
        from bench.reports_bench import _bare_write, _cells_of

        cells = _cells_of(file)
        out = file.with_name(f"{what}.xlsx")
        return lambda: _bare_write(cells, out)
    if what in {"import_dry_run", "import_apply"}:
        from bench.reports_bench import IMPORT_ZONE
        from projects.models import Zone
        from reports.services import command_line_actor, ledger_import

        zone = Zone.objects.get(code=IMPORT_ZONE)
        data = file.read_bytes()
        dry_run = what == "import_dry_run"

        def apply() -> None:
            with transaction.atomic():
                plan, _counts = ledger_import(
                    data=data, zone=zone, by=command_line_actor(), dry_run=dry_run
                )
                if not plan.ok:
                    raise SystemExit("; ".join(str(error) for error in plan.errors[:5]))
                transaction.set_rollback(True)  # the next run imports the same rows again

        return apply
    raise SystemExit(f"unknown measurement {what!r}")


def workbooks_section(ctx) -> list[Figure]:
    folder = Path(ctx.folder)
    figures = []
    runs = 3
    bar = ctx.progress(total=4, desc="workbooks", leave=False)
    for what, name, title, target in (
        ("weekly", "workbook.weekly", "the weekly workbook (周调度表) of the big city", True),
        ("monthly", "workbook.monthly", "the monthly bulletin (月通报) of the big city", False),
    ):
        file = folder / f"{what}.xlsx"
        product = run_child(what, file, runs)
        bar.update()
        bare = run_child(f"{what}_bare", file, runs)
        bar.update()
        figure = beside(
            name,
            title,
            product["seconds"],
            bare["seconds"],
            "the same cells by XlsxWriter constant_memory alone",
            unit="s",
            target="< 3 s, < 100 MB peak, ≤ 3 × bare XlsxWriter" if target else None,
            extra={
                "peak_mib": round(product["peak_mib"], 1),
                "rss_mib": round(product["rss_mib"], 1),
                "bare_peak_mib": round(bare["peak_mib"], 1),
                "bytes": product["bytes"],
            },
        )
        if target:
            judged(figure, below=3, ratio_at_most=3)
            figure.ok = figure.ok and product["peak_mib"] < 100
        figures.append(figure)
        figures.append(
            _memory_figure(
                f"{name}.memory", f"{title}: peak memory", product, 100 if target else None
            )
        )
    bar.close()
    return figures


def import_section(ctx) -> list[Figure]:
    from django.db import connections

    # 10,000 rows at 1,000,000 projects (the figure); fewer below, so that the
    # default run stays within minutes while the import is slow.
    rows = min(IMPORT_ROWS, max(100, ctx.scale // 100))
    ledger = prepare_import(Path(ctx.folder), rows)
    connections.close_all()
    figures = []
    for what, title in ctx.progress(
        (("import_dry_run", "validate (dry run)"), ("import_apply", "apply (rolled back)")),
        desc="ledger import",
        leave=False,
    ):
        measured = run_child(what, ledger, 1, warmup=0)
        stats = summary(measured["seconds"])
        name = f"import.{what.removeprefix('import_')}"
        figure = Figure(
            name,
            f"ledger import of {rows:,} rows: {title}",
            round(stats["median"], 3),
            "s",
            stat="median",
            runs=stats["runs"],
            target="< 30 s, < 300 MB peak",
            extra={"rows": rows, "peak_mib": round(measured["peak_mib"], 1)},
        )
        judged(figure, below=30)
        figure.ok = figure.ok and measured["peak_mib"] < 300
        figures.append(figure)
        figures.append(
            _memory_figure(f"{name}.memory", f"ledger import {title}: peak memory", measured, 300)
        )
    return figures


def _memory_figure(name: str, what: str, measured: dict, ceiling: float | None) -> Figure:
    figure = Figure(
        name,
        what + " (resident memory the task added, ru_maxrss)",
        round(measured["peak_mib"], 1),
        "MiB",
        stat="peak",
        runs=len(measured["seconds"]),
        target=f"< {ceiling} MB" if ceiling else None,
        extra={"process_rss_mib": round(measured["rss_mib"], 1)},
    )
    return judged(figure, below=ceiling)
