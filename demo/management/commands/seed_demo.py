"""``manage.py seed_demo``: a believable Linfen (临汾市) city to click through and report on.

The tables are in ``demo.data``, the plan is drawn by ``demo.planner`` and stored by
``demo.writer``; running it again changes nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.data import CITY_NAME, DEMO_LOGINS, PASSWORD, ZONES
from demo.planner import plan_city
from demo.writer import CitySummary, SeedConflict, Written, city_summary, write_city
from projects.stages import Stage


class Command(BaseCommand):
    help = "Seed demo data for 临汾市 (zones, rounds, ~300 projects, users); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        plan = plan_city(timezone.localdate())
        try:
            written = write_city(plan)
        except SeedConflict as error:
            raise CommandError(str(error)) from error
        self._report(city_summary(plan.name), written, time.monotonic() - started)

    def _report(self, summary: CitySummary, written: Written, seconds: float) -> None:
        self.stdout.write(
            f"{CITY_NAME}: {summary.zones} zones, {summary.rounds} rounds, "
            f"{summary.projects} projects ({written.created} new, "
            f"{written.moved} moved through the workflow)"
        )
        for stage in Stage:
            count = summary.stages.get(stage.value, 0)
            self.stdout.write(f"  {stage.value:<11} {count:>4}  {stage.label}")
        self.stdout.write(
            f"  enrollments {summary.enrollments}, transitions {summary.transitions}, "
            f"milestones {summary.milestones}, problems {summary.problems}, "
            f"monthly reports {summary.monthly_reports}"
        )
        self.stdout.write(f"Done in {seconds:.1f} s. Demo logins (password {PASSWORD}):")
        for username, role, where, _ in DEMO_LOGINS:
            scope = {"zone": ZONES[0].name, "city": CITY_NAME}.get(where or "", "全部")
            self.stdout.write(f"  {username:<12} {role or 'superuser':<12} {scope}")
        self.stdout.write(
            "  also officer-<zone code>, zoneleader-<zone code>, leader-<zone code>-1..3 per zone"
        )
