"""The report workbooks read a city in a fixed number of queries, however many projects it has:
rows are read as plain values, their problems, progress and leaders beside them in bulk."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Problem, ProgressReport, Stage
from reports.exports import Reach, monthly_export, stalls_export, weekly_export
from reports.weekly import project_ledger_workbook
from tests.factories import ProjectFactory, member

TODAY = datetime.date(2025, 6, 30)


@pytest.fixture
def grow(zone_a, zone_b, make_project):
    """Adds ``count`` projects over two zones, each with a leader of its own, this month's
    progress, an open problem, and every other one stalled at a later stage."""
    made = []

    def add(count: int) -> None:
        for _ in range(count):
            index = len(made)
            zone = zone_a if index % 2 else zone_b
            leader = member(f"leader{index}", "zone_leader", zone=zone)
            if index % 2:
                project = make_project(Stage.STARTED, zone=zone, name=f"项目{index}", leader=leader)
            else:
                project = ProjectFactory(
                    zone=zone, name=f"项目{index}", leader=leader, signed_on="2025-06-01"
                )
            ProgressReport.objects.create(
                project=project,
                month=datetime.date(2025, 6, 1),
                investment_completed="10.00",
                image_progress="进展顺利",
            )
            Problem.objects.create(
                project=project,
                category=Problem.Category.LAND,
                description=f"问题{index}",
                owner="县自然资源局",
                raised_on=datetime.date(2025, 3, 1),
                deadline=datetime.date(2025, 4, 30),
            )
            made.append(project)

    return add


WORKBOOKS = {
    "weekly": lambda out: weekly_export(
        out, Reach.everything(), zone=None, city="临汾市", week="2025-W26", today=TODAY
    ),
    "stalls": lambda out: stalls_export(
        out, Reach.everything(), zone=None, city="临汾市", as_of=TODAY
    ),
    "monthly": lambda out: monthly_export(
        out, Reach.everything(), city="临汾市", month="2025-06", today=TODAY
    ),
    "project list": lambda out: project_ledger_workbook(
        out, projects=Reach.everything().projects, as_of=TODAY
    ),
}
# The city and its scope (3), then the weekly: basis, targets, rates, the stall thresholds,
# stall counts, per-zone counts, open problems, the thresholds again and the ledger's rows. The
# rates read their zones' rollup marks first (none here: they are aggregated live), once per
# three_rates (twice in the monthly).
QUERIES = {"weekly": 12, "stalls": 8, "monthly": 19, "project list": 3}


def _queries(write) -> int:
    with CaptureQueriesContext(connection) as queries:
        write(io.BytesIO())
    return len(queries)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_a_workbook_reads_a_city_of_forty_projects_in_the_queries_of_twenty(grow, workbook):
    # given a city of twenty projects
    grow(20)
    twenty = _queries(WORKBOOKS[workbook])

    # when it has forty
    grow(20)
    forty = _queries(WORKBOOKS[workbook])

    # then the workbook asks the same number of queries, and no more than pinned
    assert forty == twenty == QUERIES[workbook]
