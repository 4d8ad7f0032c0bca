"""A ledger import asks the database a fixed number of queries, however many rows it has: rows
are checked against lookups read in bulk, and created, updated and moved set by set."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project, Stage
from reports.services import command_line_actor, ledger_import
from tests.factories import ProjectFactory
from tests.reports.ledger_files import good_row, ledger_bytes
from workflow.models import TransitionLog

INVESTOR = "山西晋铝新材料有限公司"


def _ledger(zone, count: int) -> bytes:
    """``count`` rows: a third new at 签约, a third new at 投产 (two moves each), a third of
    stored projects with a new total investment, started (one move each)."""
    rows = []
    for index in range(count):
        name = f"项目{count}-{index}"
        if index % 3 == 0:
            rows.append(good_row(项目名称=name))
        elif index % 3 == 1:
            rows.append(
                good_row(项目名称=name, 阶段="投产", 实际开工="2024-05-10", 实际投产="2025-01-20")
            )
        else:
            ProjectFactory(zone=zone, name=name, investor=INVESTOR)
            rows.append(
                good_row(
                    项目名称=name,
                    签约日期="2024-03-01",
                    **{"总投资（万元）": "60000"},
                    阶段="开工",
                    实际开工="2024-05-10",
                )
            )
    return ledger_bytes(rows)


def _import(zone, count: int) -> int:
    data = _ledger(zone, count)
    with CaptureQueriesContext(connection) as queries:
        plan, counts = ledger_import(data=data, zone=zone, by=command_line_actor(), dry_run=False)
    assert plan.ok, plan.errors
    assert (counts.created, counts.updated) == (count - count // 3, count // 3)
    return len(queries)


def test_importing_forty_rows_asks_the_queries_of_twenty(zone_a):
    # given an import of 21 rows (new, new and moved, stored and moved)
    twenty = _import(zone_a, 21)

    # when another of 42 rows is imported
    forty = _import(zone_a, 42)

    # then it asks as many queries: the check's three (the zone's projects by name, their live
    # twins, the people), the creation's three, the update's five after the lock, the moves'
    # lock, update and log rows, and the savepoints around them
    assert forty == twenty == 22


def test_every_move_is_logged_and_bumps_the_version_as_one_transition_would(zone_a):
    _import(zone_a, 6)

    produced = Project.objects.get(name="项目6-1")
    assert (produced.stage, produced.version) == (Stage.PRODUCING, 3)
    assert list(
        TransitionLog.objects.filter(project=produced).values_list("transition", "effective_on")
    ) == [
        ("start", datetime.date(2024, 5, 10)),
        ("put_into_production", datetime.date(2025, 1, 20)),
    ]
    updated = Project.objects.get(name="项目6-2")
    assert (updated.stage, updated.version, str(updated.total_investment)) == (
        Stage.STARTED,
        2,
        "60000.00",
    )
