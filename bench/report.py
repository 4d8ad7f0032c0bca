"""latest.json and its table (plain text for the terminal, Markdown for the README)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LATEST = RESULTS / "latest.json"


def machine() -> dict:
    memory = None
    try:
        with open("/proc/meminfo") as info:
            memory = round(int(info.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def write(report: dict, path: Path = LATEST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:.3g}" if value < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


def rows(report: dict) -> list[list[str]]:
    out = []
    for run in report["runs"]:
        for figure in run["figures"]:
            verdict = {True: "pass", False: "FAIL", None: ""}[figure["ok"]]
            out.append(
                [
                    run["pg_settings"],
                    figure["name"],
                    f"{_number(figure['value'])} {figure['unit']} ({figure['stat']})",
                    ""
                    if figure["limit"] is None
                    else f"{_number(figure['limit'])} {figure['unit']}",
                    "" if figure["ratio"] is None else f"{figure['ratio']}×",
                    figure["target"] or "",
                    verdict,
                ]
            )
    return out


HEADER = ["PG settings", "figure", "measured", "limit (bare)", "ratio", "target", ""]


def markdown(report: dict) -> str:
    lines = [
        f"`{report['command']}` — {report['scale']:,} projects, revision {report['git_revision']}, "
        f"{report['finished_at']}, {report['machine']['cpus']} CPUs, "
        f"{report['machine']['memory_gib']} GiB, PostgreSQL {report['postgresql']}, "
        f"Python {report['machine']['python']}, {report['duration_seconds']:.0f} s in all "
        f"(generation {report['generation']['seconds_total']:.0f} s).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows(report)
    ]
    return "\n".join(lines) + "\n"


def text(report: dict) -> str:
    table = [HEADER, *rows(report)]
    widths = [max(_width(row[i]) for row in table) for i in range(len(HEADER))]
    out = []
    for row in table:
        out.append(
            "  ".join(
                cell + " " * (width - _width(cell))
                for cell, width in zip(row, widths, strict=False)
            )
        )
    return "\n".join(out)


def _width(cell: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in cell)
