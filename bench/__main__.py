"""The benchmark: ``python -m bench`` (see docs/benchmark.md).

    python -m bench [run] [--scale 50000] [--only scan,rates,...] [--keep] [--reuse]
                    [--pg-settings default|production|both] [--repeat 5]
    python -m bench table [--file bench/results/latest.json]     # the last run as Markdown
    python -m bench generate --scale N [--keep]                  # data only (kept)

A run creates ``bench_<scale>`` beside ``DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/postgres, used only as the maintenance database), migrates and
generates it, measures every section under each PostgreSQL settings set asked for, writes
``bench/results/latest.json``, prints the table and drops the database (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

SECTIONS = ("scan", "rates", "stalls", "lists", "transitions", "workbooks", "import")
# Sections that write: measured after the read-only ones, so these read the generated data.
ORDER = ("rates", "stalls", "lists", "workbooks", "import", "scan", "transitions")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "child":
        return _child(argv[1:])
    if argv and argv[0] == "table":
        return _table(argv[1:])
    command = "run"
    if argv and argv[0] in {"run", "generate"}:
        command = argv.pop(0)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50_000, help="projects (default 50,000)")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated: {','.join(SECTIONS)}"
    )
    parser.add_argument("--keep", action="store_true", help="keep bench_<scale> afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an existing bench_<scale>, no generation (and keep it: it was not ours)",
    )
    parser.add_argument(
        "--pg-settings", choices=("default", "production", "both"), default="default"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed runs per figure (p95 figures take at least 20)"
    )
    parser.add_argument("--out", default=None, help="results file (default latest.json)")
    parser.add_argument(
        "--scan-budget",
        type=float,
        default=45,
        help="seconds each scan pass may take before the rest is extrapolated from the zones "
        "done (default 45, so that make bench stays within minutes; 0 = no limit)",
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if command == "generate":
        args.keep = True
        only = []
    if args.reuse:  # a database the run did not make is not the run's to drop
        args.keep = True
    return run(args, only, command_line=" ".join(["python -m bench", command, *argv]))


def _progress(*args, **kwargs):
    from tqdm import tqdm

    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(*args, **kwargs)


def run(args, only: list[str], command_line: str) -> int:
    from bench import database, report

    started = time.perf_counter()
    revision = report.git_revision()  # of the code measured, before anything is committed
    name = f"bench_{args.scale}"
    url = database.database_url(name)
    if not args.reuse:
        database.create(name)
    database.setup_django(url)
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        raise SystemExit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    generation: dict = {"seconds_total": 0.0}
    try:
        if not args.reuse:
            generated_at = time.perf_counter()
            migrate_at = time.perf_counter()
            database.migrate()
            migrate_seconds = time.perf_counter() - migrate_at
            from bench.generate import generate

            generated = generate(args.scale, progress=_progress)
            generation = {
                "seconds_total": round(time.perf_counter() - generated_at, 1),
                "migrate_seconds": round(migrate_seconds, 1),
                "seconds": generated.seconds,
                "rows": generated.rows,
            }
            print(
                f"generated {args.scale:,} projects in {generation['seconds_total']} s "
                f"(migrate {generation['migrate_seconds']} s): "
                + ", ".join(f"{k} {v:,}" for k, v in generated.rows.items()),
                flush=True,
            )
        runs = []
        settings_sets = (
            ["default", "production"] if args.pg_settings == "both" else [args.pg_settings]
        )
        for index, pg_settings in enumerate(settings_sets):
            connections.close_all()
            applied = database.apply_settings(name, pg_settings)
            if index and any(section in only for section in ("scan", "transitions")):
                # The writing sections changed the data: measure the second set on fresh data.
                print("the second settings set re-measures read-only sections only", flush=True)
            sections = [
                s for s in ORDER if s in only and (index == 0 or s not in {"scan", "transitions"})
            ]
            figures = _measure(args, url, sections)
            runs.append(
                {
                    "pg_settings": pg_settings,
                    "settings": applied,
                    "sections": sections,
                    "figures": [figure.as_dict() for figure in figures],
                }
            )
    finally:
        connections.close_all()
        if not args.keep:
            database.drop(name)
    result = {
        "command": command_line,
        "scale": args.scale,
        "database": name if args.keep else f"{name} (dropped)",
        "git_revision": revision,
        "postgresql": database.server_version(),
        "machine": report.machine(),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - started, 1),
        "generation": generation,
        "runs": runs,
    }
    if not runs or not any(run["figures"] for run in runs):
        print(json.dumps(generation, indent=2))
        return 0
    out = Path(args.out) if args.out else report.LATEST
    report.write(result, out)
    print()
    print(report.text(result))
    print(f"\nwritten to {out}")
    failed = [f["name"] for run in runs for f in run["figures"] if f["ok"] is False]
    if failed:
        print(f"{len(failed)} figure(s) miss the issue's targets: {', '.join(failed)}")
    return 0


def _measure(args, url: str, sections: list[str]) -> list:
    from bench import children, transitions
    from bench import sections as measure
    from bench.sections import Context

    functions = {
        "scan": measure.scan_section,
        "rates": measure.rates_section,
        "stalls": measure.stalls_section,
        "lists": measure.lists_section,
        "transitions": transitions.transitions_section,
        "workbooks": children.workbooks_section,
        "import": children.import_section,
    }
    from tqdm import tqdm

    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        ctx = Context(
            scale=args.scale,
            today=datetime.date.today(),
            repeat=args.repeat,
            database_url=url,
            progress=_progress,
            folder=folder,
            scan_budget=args.scan_budget,
        )
        for section in sections:
            started = time.perf_counter()
            tqdm.write(f"measuring {section}…")
            figures += functions[section](ctx)
            tqdm.write(f"  {section}: {time.perf_counter() - started:.1f} s")
    return figures


def _child(argv: list[str]) -> int:
    import os

    from bench import database

    parser = argparse.ArgumentParser(prog="python -m bench child")
    parser.add_argument("what")
    parser.add_argument("--file", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    database.setup_django(os.environ["DATABASE_URL"])
    from bench.children import child

    return child(args.what, Path(args.file), args.runs, args.warmup)


def _table(argv: list[str]) -> int:
    from bench import report

    parser = argparse.ArgumentParser(prog="python -m bench table")
    parser.add_argument(
        "--file", action="append", help="results file (repeatable; default latest.json)"
    )
    args = parser.parse_args(argv)
    for index, file in enumerate(args.file or [str(report.LATEST)]):
        print(("\n" if index else "") + report.markdown(json.loads(Path(file).read_text())), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
