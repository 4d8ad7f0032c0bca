"""One measured figure beside its limit, and the statistics every section uses."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    """A measurement: ``value`` in ``unit`` (its ``stat`` over ``runs`` runs), beside ``limit``
    (what the same work costs with nothing of the product around it), and the issue's target.

    ``ratio`` is ``value / limit``: for a time, how many times slower than the limit; for a
    throughput, the share of the limit's requests per second.
    ``ok`` is None where the issue sets no target for the figure.
    """

    name: str
    what: str
    value: float
    unit: str
    stat: str = "median"
    runs: int = 1
    limit: float | None = None
    limit_what: str | None = None
    ratio: float | None = None
    target: str | None = None
    ok: bool | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 10 runs is the largest, of 20 the second largest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def timings(function: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """Seconds of ``runs`` calls after ``warmup`` calls that are not counted."""
    for _ in range(warmup):
        function()
    measured = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        measured.append(time.perf_counter() - started)
    return measured


def summary(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def judged(
    figure: Figure, *, below: float | None = None, ratio_at_most: float | None = None
) -> Figure:
    """Set ``ok`` from an absolute ceiling (in the figure's unit) and a ceiling on the ratio."""
    checks = []
    if below is not None:
        checks.append(figure.value < below)
    if ratio_at_most is not None and figure.ratio is not None:
        checks.append(figure.ratio <= ratio_at_most)
    figure.ok = all(checks) if checks else None
    return figure


def beside(
    name: str,
    what: str,
    values: list[float],
    limit_values: list[float] | None,
    limit_what: str | None,
    *,
    stat: str = "median",
    unit: str = "ms",
    target: str | None = None,
    below: float | None = None,
    ratio_at_most: float | None = None,
    extra: dict | None = None,
) -> Figure:
    """A timing figure (seconds measured, shown in ``unit``) beside its limit's same statistic."""
    scale = 1000.0 if unit == "ms" else 1.0
    value = summary(values)[stat] * scale
    limit = summary(limit_values)[stat] * scale if limit_values else None
    figure = Figure(
        name=name,
        what=what,
        value=round(value, 3),
        unit=unit,
        stat=stat,
        runs=len(values),
        limit=None if limit is None else round(limit, 3),
        limit_what=limit_what,
        ratio=round(value / limit, 2) if limit else None,
        target=target,
        extra={"median": round(summary(values)["median"] * scale, 3), **(extra or {})},
    )
    return judged(figure, below=below, ratio_at_most=ratio_at_most)
