"""Benchmark of the weekly workbook and the ledger import on a generated city.

    python -m bench.reports_bench --projects 10000 [--database-url URL]

Without ``--database-url`` (or ``DATABASE_URL``) it runs on a SQLite file in a temporary folder.
On PostgreSQL it creates its own database (the URL's name plus ``_reports_bench``) and drops it
at the end, so the URL's own database is never touched. The city is written with bulk inserts
(names and proportions from ``demo.planner.plan_project``); each measurement runs in a fresh
child process, once for the time and once under tracemalloc for the peak of Python memory:

- the weekly workbook (周调度表) of the whole city, beside bare XlsxWriter in constant-memory
  mode writing the same cells (read back from our workbook) with one format per kind of cell;
- the import of a ledger of ``--projects`` new rows into an empty zone: dry run and apply (the
  apply is rolled back afterwards, so the measurement can be repeated).

It prints a table and writes ``bench/results/reports.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "reports.json"
TODAY = datetime.date.today()
WEEK = "{}-W{:02d}".format(*TODAY.isocalendar()[:2])
IMPORT_ZONE = "bench-import"
SEED = 20250608

# Limits from issue 13 and the speed brief: (seconds, MiB of peak Python memory).
LIMITS = {
    "weekly_workbook": (3.0, 100.0),
    "ledger_import_dry_run": (30.0, 300.0),
    "ledger_import_apply": (30.0, 300.0),
}
BARE_RATIO_LIMIT = 3.0


# The parent: databases, data, children, the table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["weekly", "import"],
        default=["weekly", "import"],
        help="measure only these",
    )
    parser.add_argument(
        "--keep", metavar="FOLDER", help="SQLite only: keep the database and files in FOLDER"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # a child's one measurement
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        os.environ["DATABASE_URL"] = args.database_url
        return _child(args.measure, Path(args.file))

    with tempfile.TemporaryDirectory(prefix="reports-bench-") as scratch:
        folder = args.keep or scratch
        Path(folder).mkdir(parents=True, exist_ok=True)
        url, drop = _own_database(args.database_url, Path(folder))
        try:
            os.environ["DATABASE_URL"] = url
            _setup_django()
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            ledger = Path(folder) / "ledger.xlsx"
            counts = generate(args.projects, ledger)
            generated = time.perf_counter() - started
            print(f"generated {counts} in {generated:.1f} s", flush=True)
            from django.db import connections

            connections.close_all()
            workbook = Path(folder) / "weekly.xlsx"
            figures = {}
            if "weekly" in args.only:
                figures["weekly_workbook"] = _run_child("weekly", url, workbook)
                figures["bare_xlsxwriter"] = _run_child("bare", url, workbook)
            if "import" in args.only:
                figures["ledger_import_dry_run"] = _run_child("import_dry_run", url, ledger)
                figures["ledger_import_apply"] = _run_child("import_apply", url, ledger)
        finally:
            drop()
    report = _report(figures, args, url, counts)
    _print_table(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing[report["database"]] = report
    out.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0 if all(row["ok"] for row in report["figures"]) else 1


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _own_database(url: str, folder: Path):
    """The URL the bench writes to, and how to remove it afterwards."""
    if not url or url.startswith("sqlite"):
        (folder / "bench.sqlite3").unlink(missing_ok=True)
        return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "postgres") + "_reports_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _run_child(what: str, url: str, file: Path) -> dict:
    command = [sys.executable, "-m", "bench.reports_bench", "--measure", what, "--file", str(file)]
    command += ["--database-url", url]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"the {what} measurement failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(figures: dict, args, url: str, counts: dict) -> dict:
    bare = figures.get("bare_xlsxwriter")
    rows = []
    for name, measured in figures.items():
        seconds_limit, mib_limit = LIMITS.get(name, (None, None))
        row = {
            "figure": name,
            "seconds": round(measured["seconds"], 3),
            "peak_mib": round(measured["peak_mib"], 1),
            "rss_mib": round(measured["rss_mib"], 1),
            "seconds_limit": seconds_limit,
            "peak_mib_limit": mib_limit,
            "ratio_to_bare": None,
            "ok": True,
            **{k: v for k, v in measured.items() if k not in {"seconds", "peak_mib", "rss_mib"}},
        }
        if name == "weekly_workbook":
            row["ratio_to_bare"] = round(measured["seconds"] / bare["seconds"], 2)
        row["ok"] = (
            (seconds_limit is None or measured["seconds"] <= seconds_limit)
            and (mib_limit is None or measured["peak_mib"] <= mib_limit)
            and (row["ratio_to_bare"] is None or row["ratio_to_bare"] <= BARE_RATIO_LIMIT)
        )
        rows.append(row)
    return {
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "projects": args.projects,
        "data": counts,
        "figures": rows,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "git_revision": _git_revision(),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def _print_table(report: dict) -> None:
    print(f"\n{report['database']}, {report['projects']:,} projects, {report['git_revision']}")
    print(f"{'figure':<24}{'seconds':>9}{'limit':>7}{'peak MiB':>10}{'limit':>7}{'× bare':>8}  ok")
    for row in report["figures"]:
        ratio = "" if row["ratio_to_bare"] is None else f"{row['ratio_to_bare']:.2f}"
        print(
            f"{row['figure']:<24}{row['seconds']:>9.2f}{row['seconds_limit'] or '':>7}"
            f"{row['peak_mib']:>10.1f}{row['peak_mib_limit'] or '':>7}{ratio:>8}  "
            f"{'yes' if row['ok'] else 'NO'}"
        )


# The city, written in bulk


def generate(count: int, ledger: Path) -> dict:
    """A city of ``count`` projects over the demo's zones, with their problems and progress,
    and a ledger file of ``count`` new projects for an empty zone."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from demo.data import ZONES
    from demo.planner import STAGE_AFTER, ZoneStaff, plan_project
    from projects.models import City, Membership, Problem, ProgressReport, Project, Zone
    from projects.roles import Role
    from projects.stages import Stage, Transition

    user_model = get_user_model()
    rng = random.Random(SEED)
    with transaction.atomic():
        city = City.objects.create(name="临汾市")
        zones = Zone.objects.bulk_create(
            [
                Zone(
                    code=spec.code,
                    name=spec.name,
                    city=city,
                    county=spec.county,
                    category=spec.category,
                    level=spec.level,
                )
                for spec in [*ZONES, _import_spec()]
            ]
        )
        by_code = {zone.code: zone for zone in zones}
        people, members, staff = [], [], {}
        for spec in [*ZONES, _import_spec()]:
            names = [f"{spec.code}-officer"] + [f"{spec.code}-leader{i}" for i in range(4)]
            staff[spec.code] = ZoneStaff(names[0], names[0], tuple(names[1:]))
            for index, username in enumerate(names):
                people.append(user_model(username=username, first_name=f"{username[-7:]}{index}"))
        users = {user.username: user for user in user_model.objects.bulk_create(people)}
        for username, user in users.items():
            code = username.rsplit("-", 1)[0]
            role = Role.OFFICER if username.endswith("officer") else Role.ZONE_LEADER
            members.append(Membership(user=user, role=role, zone=by_code[code]))
        Membership.objects.bulk_create(members)

        projects, extras = [], []
        for index in range(count):
            spec = ZONES[index % len(ZONES)]
            plan = plan_project(spec, staff[spec.code], seed=rng.randrange(2**32), today=TODAY)
            stage = Stage.SIGNED
            for step in plan.steps:
                stage = (
                    Stage.TERMINATED
                    if step.name == Transition.TERMINATE
                    else STAGE_AFTER[step.name]
                )
            dates = {k: v for k, v in plan.stage_dates.items() if k != "signed_on"}
            if stage == Stage.TERMINATED:
                dates.pop("at_target_on", None)
                dates["terminated_on"] = plan.steps[-1].effective_on
            project = Project(
                zone=by_code[spec.code],
                name=f"{plan.name}（{index}）",
                leader=users[plan.leader],
                officer=users[plan.officer],
                stage=stage,
                termination_reason=plan.steps[-1].note if stage == Stage.TERMINATED else "",
                **plan.values,
                **plan.create_values,
                **dates,
            )
            projects.append(project)
            extras.append(plan)
        Project.objects.bulk_create(projects, batch_size=2000)
        problems, reports = [], []
        for project, plan in zip(projects, extras, strict=True):
            problems += [Problem(project=project, **fields) for fields in plan.problems]
            reports += [ProgressReport(project=project, **fields) for fields in plan.progress]
        Problem.objects.bulk_create(problems, batch_size=5000)
        ProgressReport.objects.bulk_create(reports, batch_size=5000)
    _write_ledger(ledger, count, staff[IMPORT_ZONE], rng)
    return {
        "projects": len(projects),
        "problems": len(problems),
        "progress_reports": len(reports),
        "ledger_rows": count,
    }


def _import_spec():
    from demo.data import ZONES, ZoneSpec

    first = ZONES[0]
    return ZoneSpec(
        IMPORT_ZONE, "基准导入开发区", "尧都区", "industrial", "provincial", first.chains, 0
    )


def _write_ledger(path: Path, count: int, staff, rng) -> None:
    """A ledger of ``count`` new projects, as an officer's file: every stage but terminated."""
    import xlsxwriter

    from demo.planner import STAGE_AFTER, plan_project
    from projects.stages import Stage, Transition
    from reports.ledger_import import (
        CATEGORY_LABELS,
        COLUMNS,
        SHEET,
        STAGE_LABELS,
        TIER_LABELS,
    )

    spec = _import_spec()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, [column.header for column in COLUMNS])
    for row in range(1, count + 1):
        plan = plan_project(spec, staff, seed=rng.randrange(2**32), today=TODAY)
        steps = [step for step in plan.steps if step.name != Transition.TERMINATE]
        stage = STAGE_AFTER[steps[-1].name] if steps else Stage.SIGNED
        dates = {step.name: step.effective_on for step in steps}
        values = plan.values
        cells = {
            "name": f"{plan.name}（{row}）",
            "investor": values["investor"],
            "zone": spec.name,
            "industry_chain": values["industry_chain"],
            "tier": TIER_LABELS[values["tier"]],
            "category": CATEGORY_LABELS[values["category"]],
            "total_investment": f"{values['total_investment']:,}",
            "signed_on": plan.create_values["signed_on"].isoformat(),
            "stage": STAGE_LABELS[stage],
            "planned_start_on": _text(values.get("planned_start_on")),
            "started_on": _text(dates.get(Transition.START)),
            "planned_production_on": _text(values.get("planned_production_on")),
            "producing_on": _text(dates.get(Transition.PUT_INTO_PRODUCTION)),
            "planned_target_on": _text(values.get("planned_target_on")),
            "at_target_on": _text(dates.get(Transition.REACH_TARGET)),
            "leader": plan.leader,
        }
        for column, field in enumerate(column.field for column in COLUMNS):
            sheet.write_string(row, column, cells[field] or "")
    book.close()


def _text(day) -> str:
    return day.isoformat() if day else ""


# A child: one measurement


def _child(what: str, file: Path) -> int:
    import resource

    _setup_django()
    from django.db import connection

    connection.ensure_connection()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    task, extra = _task(what, file)
    started = time.perf_counter()
    task()
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - baseline
    tracemalloc.start()
    task()
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"seconds": seconds, "peak_mib": peak / 2**20, "rss_mib": rss, **extra()}
    print(json.dumps(result))
    return 0


def _task(what: str, file: Path):
    from django.db import transaction

    from projects.models import City, Zone

    if what == "weekly":
        from reports.exports import Reach, weekly_export

        city = City.objects.get()

        def weekly() -> None:
            with file.open("wb") as out:
                weekly_export(
                    out, Reach.everything(), zone=None, city=city.name, week=WEEK, today=TODAY
                )

        return weekly, lambda: {"bytes": file.stat().st_size}
    if what == "bare":
        cells = _cells_of(file)
        out = file.with_name("bare.xlsx")
        return (lambda: _bare_write(cells, out)), lambda: {
            "cells": sum(len(row) for sheet in cells.values() for row in sheet)
        }
    if what in {"import_dry_run", "import_apply"}:
        from reports.services import command_line_actor, ledger_import

        zone = Zone.objects.get(code=IMPORT_ZONE)
        data = file.read_bytes()
        dry_run = what == "import_dry_run"
        outcome = {}

        def apply() -> None:
            with transaction.atomic():
                plan, counts = ledger_import(
                    data=data, zone=zone, by=command_line_actor(), dry_run=dry_run
                )
                if not plan.ok:
                    raise SystemExit("; ".join(str(error) for error in plan.errors[:5]))
                outcome.update(
                    created=counts.created, updated=counts.updated, unchanged=counts.unchanged
                )
                transaction.set_rollback(True)

        return apply, lambda: outcome
    raise SystemExit(f"unknown measurement {what!r}")


def _cells_of(path: Path) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def _bare_write(cells: dict[str, list[list]], out: Path) -> None:
    """The same cells with XlsxWriter in constant-memory mode: one format per kind of cell,
    nothing else (no widths, no print set-up, no colours)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False})
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0.00"})
    date = book.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    for name, rows in cells.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    sheet.write_blank(r, c, None, text)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value, number)
                elif isinstance(value, datetime.datetime):
                    sheet.write_datetime(r, c, value, date)
                else:
                    sheet.write_string(r, c, str(value), text)
    book.close()


if __name__ == "__main__":
    sys.exit(main())
