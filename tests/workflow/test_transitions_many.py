"""Many transitions at once (the ledger import's): the same checks and guards as one, all or
none, and queries that do not grow with the moves."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.errors import Forbidden, Invalid, TransitionNotAllowed
from projects.models import Project, Stage
from workflow.models import TransitionLog
from workflow.services import Move, projects_transition_many

MAY = datetime.date(2024, 5, 10)
JANUARY = datetime.date(2025, 1, 20)


def _started_then_producing(projects) -> list[Move]:
    return [
        move
        for project in projects
        for move in (
            Move(project.pk, "start", MAY),
            Move(project.pk, "put_into_production", JANUARY),
        )
    ]


def test_each_project_takes_its_moves_in_order_with_a_log_row_and_a_version_each(
    make_project, officer
):
    projects = [make_project(Stage.SIGNED) for _ in range(3)]

    moved = projects_transition_many(moves=_started_then_producing(projects), by=officer)

    assert sorted(project.pk for project in moved) == sorted(project.pk for project in projects)
    for project in Project.objects.filter(pk__in=[p.pk for p in projects]):
        assert (project.stage, project.started_on, project.producing_on, project.version) == (
            Stage.PRODUCING,
            MAY,
            JANUARY,
            3,
        )
        log = TransitionLog.objects.filter(project=project).order_by("recorded_at", "pk")
        assert [(row.transition, row.source, row.target, row.by) for row in log] == [
            ("start", Stage.SIGNED, Stage.STARTED, officer),
            ("put_into_production", Stage.STARTED, Stage.PRODUCING, officer),
        ]


def test_a_guard_refusing_one_move_refuses_them_all_naming_that_move(make_project, officer):
    # given the second project at 投产, whose target output is below its target
    first, second = make_project(Stage.STARTED), make_project(Stage.PRODUCING)
    second.actual_annual_output = 1
    second.save()
    moves = [
        Move(first.pk, "put_into_production", JANUARY),
        Move(second.pk, "reach_target", datetime.date(2025, 6, 1)),
    ]

    # when both are moved, the second without the officer's confirmation
    with pytest.raises(TransitionNotAllowed) as refused:
        projects_transition_many(moves=moves, by=officer)

    # then the refusal is the guard's, about the second move, and nothing is written
    assert refused.value.row == 1
    assert "确认" in refused.value.detail
    first.refresh_from_db()
    assert (first.stage, first.version) == (Stage.STARTED, 2)
    assert not TransitionLog.objects.filter(
        project=first, transition="put_into_production"
    ).exists()


@pytest.mark.parametrize(
    ("move", "refusal"),
    [
        (Move(0, "start", datetime.date(2099, 1, 1)), Invalid),  # a future date
        (Move(0, "put_into_production", JANUARY), TransitionNotAllowed),  # not started yet
        (Move(0, "terminate", MAY), Forbidden),  # an officer may not terminate
    ],
)
def test_each_check_of_one_transition_holds_for_many(make_project, officer, move, refusal):
    project = make_project(Stage.SIGNED)

    with pytest.raises(refusal):
        projects_transition_many(moves=[Move(project.pk, move.name, move.effective_on)], by=officer)

    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.SIGNED, 1)


def test_moving_four_projects_asks_the_queries_of_two_and_queues_one_commit_hook(
    make_project, officer, django_capture_on_commit_callbacks
):
    officer.membership  # noqa: B018 -- cached on the user, as a request's user is
    two, four = (
        [make_project(Stage.SIGNED) for _ in range(2)],
        [make_project(Stage.SIGNED) for _ in range(4)],
    )

    with CaptureQueriesContext(connection) as for_two:
        projects_transition_many(moves=_started_then_producing(two), by=officer)
    with (
        CaptureQueriesContext(connection) as for_four,
        django_capture_on_commit_callbacks() as hooks,
    ):
        projects_transition_many(moves=_started_then_producing(four), by=officer)

    # the scoped lock, the projects' update and the log rows (and the savepoint around them)
    assert len(for_four) == len(for_two) == 5
    assert len(hooks) == 1
