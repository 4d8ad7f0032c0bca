"""Two officers moving the same project at the same moment, on PostgreSQL with real threads."""

import datetime
import threading

import pytest
from django.db import connection

from projects.errors import Refusal, TransitionNotAllowed, VersionConflict
from projects.models import Project, Stage
from workflow.models import TransitionLog
from workflow.services import project_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ON = datetime.date(2025, 6, 1)


def _race(callers: int, take) -> list:
    """Run ``take(i)`` in ``callers`` threads released together; return each outcome."""
    barrier = threading.Barrier(callers)
    outcomes: list = [None] * callers

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = take(i)
        except Refusal as refusal:
            outcomes[i] = refusal
        except Exception as error:  # a crash is an outcome the test must see, not hide
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("callers", [2, 6])
def test_same_version_exactly_one_officer_wins(make_project, officer, callers):
    project = make_project(Stage.SIGNED)
    version = project.version

    outcomes = _race(
        callers,
        lambda i: project_transition(
            project=project.pk, name="start", by=officer, effective_on=ON, version=version
        ),
    )

    winners = [o for o in outcomes if isinstance(o, Project)]
    losers = [o for o in outcomes if isinstance(o, VersionConflict)]
    assert len(winners) == 1, outcomes
    assert len(losers) == callers - 1, outcomes
    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.STARTED, version + 1)
    assert TransitionLog.objects.filter(project=project).count() == 1


def test_without_a_version_the_loser_is_told_the_stage_moved_on(make_project, officer, zone_leader):
    project = make_project(Stage.SIGNED)
    people = [officer, zone_leader]

    outcomes = _race(
        2,
        lambda i: project_transition(
            project=project.pk, name="start", by=people[i], effective_on=ON
        ),
    )

    assert sum(isinstance(o, Project) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1, outcomes
    assert TransitionLog.objects.filter(project=project).count() == 1


def test_different_transitions_at_once_leave_one_consistent_result(
    make_project, officer, zone_leader
):
    # one officer starts the project while the zone leader terminates it
    project = make_project(Stage.SIGNED)
    version = project.version
    calls = [
        lambda: project_transition(
            project=project.pk, name="start", by=officer, effective_on=ON, version=version
        ),
        lambda: project_transition(
            project=project.pk,
            name="terminate",
            by=zone_leader,
            effective_on=ON,
            note="企业撤资",
            version=version,
        ),
    ]

    outcomes = _race(2, lambda i: calls[i]())

    assert sum(isinstance(o, Project) for o in outcomes) == 1, outcomes
    project.refresh_from_db()
    log = TransitionLog.objects.get(project=project)
    assert log.target == project.stage
    assert project.version == version + 1


@pytest.mark.parametrize("callers", [2, 6])
def test_officers_and_the_city_supervisor_at_once_one_wins_the_others_are_told_why(
    make_project, officer, zone_leader, supervisor, callers
):
    # given a signed project, and people of the zone and of the city (whose scope is a subquery
    # on the city's zones) who all start it at the same moment, without a version
    project = make_project(Stage.SIGNED)
    people = [officer, zone_leader, supervisor]

    outcomes = _race(
        callers,
        lambda i: project_transition(
            project=project.pk, name="start", by=people[i % 3], effective_on=ON
        ),
    )

    # then one moved it, each other one was refused from the stage it found, and one row logged
    assert sum(isinstance(o, Project) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    assert len(refused) == callers - 1, outcomes
    assert {str(o) for o in refused} == {"项目已开工。"}
    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.STARTED, 2)
    assert TransitionLog.objects.filter(project=project).count() == 1
