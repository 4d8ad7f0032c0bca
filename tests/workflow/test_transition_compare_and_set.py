"""The forward moves' compare-and-set: one UPDATE whose WHERE holds every check on the row.

Whatever it does not take (a stale version, another stage, a date before the stage began, a
project out of scope) is decided by the locked path, with the same refusals as before; a guard
that refuses after the UPDATE rolls it back.
"""

import datetime

import pytest

from projects.errors import Invalid, NotFound, TransitionNotAllowed, VersionConflict
from projects.models import Project, Stage
from tests.factories import ProjectFactory
from workflow.models import TransitionLog
from workflow.services import project_transition

ON = datetime.date(2025, 6, 1)


def _row(project: Project) -> tuple:
    project.refresh_from_db()
    return project.stage, project.version, TransitionLog.objects.filter(project=project).count()


def test_the_moved_project_is_the_row_as_the_database_holds_it(make_project, officer, supervisor):
    # given a project with money, dates and a leader (SQLite gives decimals and dates as text)
    project = make_project(Stage.STARTED, leader=supervisor, target_annual_output="1234.50")
    officer.membership  # noqa: B018 -- cached on the user, as a request's user is

    # when it is put into production
    moved = project_transition(
        project=project.pk, name="put_into_production", by=officer, effective_on=ON
    )

    # then every field is what a fresh read gives, and the zone and leader came with the row
    fresh = Project.objects.get(pk=project.pk)
    for field in Project._meta.concrete_fields:
        assert getattr(moved, field.attname) == getattr(fresh, field.attname), field.name
    assert (moved.zone.code, moved.leader.username) == (fresh.zone.code, "supervisor")


def test_a_project_without_a_leader_is_answered_with_none(make_project, officer):
    project = make_project(Stage.SIGNED, leader=None)

    moved = project_transition(project=project.pk, name="start", by=officer, effective_on=ON)

    assert moved.leader is None
    assert moved.zone.code == project.zone.code


def test_a_stale_version_matches_nothing_and_is_the_same_409(
    make_project, officer, django_assert_num_queries
):
    # given a project started since the officer opened it at version 1
    project = make_project(Stage.SIGNED)
    project_transition(project=project.pk, name="start", by=officer, effective_on=ON)
    officer.membership  # noqa: B018

    # when the officer puts it into production from the stale page: the update matches nothing,
    # the locked read says why (and the savepoint is rolled back)
    with pytest.raises(VersionConflict), django_assert_num_queries(4):
        project_transition(
            project=project.pk,
            name="put_into_production",
            by=officer,
            effective_on=ON,
            version=1,
        )

    # then nothing changed
    assert _row(project) == (Stage.STARTED, 2, 1)


def test_a_stage_that_moved_on_matches_nothing_and_is_the_same_409(make_project, officer):
    project = make_project(Stage.STARTED)

    with pytest.raises(TransitionNotAllowed) as refused:
        project_transition(project=project.pk, name="start", by=officer, effective_on=ON)

    assert refused.value.detail == "项目已开工。"
    assert _row(project) == (Stage.STARTED, 2, 1)


def test_a_date_before_the_stage_began_matches_nothing_and_is_the_same_400(make_project, officer):
    # given a project started on 2024-05-10
    project = make_project(Stage.STARTED)

    with pytest.raises(Invalid) as refused:
        project_transition(
            project=project.pk,
            name="put_into_production",
            by=officer,
            effective_on=datetime.date(2024, 5, 9),
        )

    assert list(refused.value.errors) == ["effective_on"]
    assert _row(project) == (Stage.STARTED, 2, 1)


def test_a_guard_refusing_after_the_update_rolls_it_back(make_project, officer):
    # given a producing project short of its target output
    project = make_project(Stage.PRODUCING, target_annual_output=100)
    Project.objects.filter(pk=project.pk).update(actual_annual_output=90)

    with pytest.raises(TransitionNotAllowed) as refused:
        project_transition(project=project.pk, name="reach_target", by=officer, effective_on=ON)

    assert "实际年产值低于目标年产值" in refused.value.detail
    assert _row(project) == (Stage.PRODUCING, 3, 2)
    project.refresh_from_db()
    assert project.at_target_on is None


def test_a_city_supervisor_moves_a_project_of_any_zone_of_the_city(
    zone_b, supervisor, django_assert_num_queries
):
    project = ProjectFactory(zone=zone_b)
    supervisor.membership  # noqa: B018

    with django_assert_num_queries(4):
        moved = project_transition(project=project.pk, name="start", by=supervisor, effective_on=ON)

    assert (moved.stage, moved.zone.code) == (Stage.STARTED, zone_b.code)


@pytest.mark.parametrize("who", ["officer_b", "foreign_supervisor"])
def test_a_project_out_of_scope_matches_nothing_and_is_404(request, make_project, who):
    project = make_project(Stage.SIGNED)

    with pytest.raises(NotFound):
        project_transition(
            project=project.pk, name="start", by=request.getfixturevalue(who), effective_on=ON
        )

    assert _row(project) == (Stage.SIGNED, 1, 0)
