"""Who may take which transition, and what lies outside a user's scope."""

import datetime

import pytest

from projects.errors import Forbidden, NotFound
from projects.models import Stage
from workflow.models import TransitionLog
from workflow.services import project_transition, transition_options

ON = datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("role_fixture", "stage", "name"),
    [
        ("officer", Stage.SIGNED, "terminate"),
        ("officer", Stage.STARTED, "correct"),
        ("zone_leader", Stage.STARTED, "correct"),
        ("viewer", Stage.SIGNED, "start"),
        ("viewer", Stage.STARTED, "put_into_production"),
    ],
)
def test_role_that_may_not_take_a_transition_is_forbidden(
    request, make_project, role_fixture, stage, name
):
    user = request.getfixturevalue(role_fixture)
    project = make_project(stage)

    with pytest.raises(Forbidden) as refused:
        project_transition(project=project, name=name, by=user, effective_on=ON, note="原因")

    assert refused.value.status == 403
    project.refresh_from_db()
    assert project.stage == stage
    assert not TransitionLog.objects.filter(project=project, transition=name).exists()


@pytest.mark.parametrize(
    ("role_fixture", "stage", "name"),
    [
        ("officer", Stage.SIGNED, "start"),
        ("officer", Stage.STARTED, "put_into_production"),
        ("officer", Stage.PRODUCING, "reach_target"),
        ("zone_leader", Stage.SIGNED, "terminate"),
        ("supervisor", Stage.PRODUCING, "terminate"),
        ("supervisor", Stage.STARTED, "correct"),
    ],
)
def test_role_that_may_take_a_transition_can(request, make_project, role_fixture, stage, name):
    user = request.getfixturevalue(role_fixture)
    project = make_project(stage)

    project_transition(
        project=project, name=name, by=user, effective_on=ON, note="原因", confirmed=True
    )

    assert TransitionLog.objects.get(project=project, transition=name).by == user


@pytest.mark.parametrize("outsider", ["officer_b", "foreign_supervisor"])
def test_a_project_outside_the_users_scope_is_not_found(request, make_project, outsider):
    user = request.getfixturevalue(outsider)
    project = make_project(Stage.SIGNED)

    with pytest.raises(NotFound) as refused:
        project_transition(project=project, name="start", by=user, effective_on=ON)

    assert refused.value.status == 404
    assert project.name not in refused.value.detail
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_an_anonymous_caller_finds_nothing(make_project):
    from django.contrib.auth.models import AnonymousUser

    project = make_project(Stage.SIGNED)

    with pytest.raises(NotFound):
        project_transition(project=project, name="start", by=AnonymousUser(), effective_on=ON)


def test_an_unknown_transition_is_not_found(make_project, supervisor):
    project = make_project(Stage.SIGNED)

    with pytest.raises(NotFound) as refused:
        project_transition(project=project, name="launch", by=supervisor, effective_on=ON)

    assert refused.value.code == "not_found"


def test_options_list_every_transition_with_the_reason_it_is_closed(make_project, officer):
    project = make_project(Stage.STARTED)

    options = {option.name: option for option in transition_options(project=project, user=officer)}

    assert list(options) == ["start", "put_into_production", "reach_target", "terminate", "correct"]
    assert options["put_into_production"].allowed
    assert options["put_into_production"].target == Stage.PRODUCING
    assert options["put_into_production"].reason is None
    assert not options["start"].allowed
    assert options["start"].reason == "项目已开工。"
    assert not options["terminate"].allowed
    assert "角色" in options["terminate"].reason
    assert not options["correct"].allowed


def test_options_tell_a_supervisor_where_a_correction_leads(make_project, supervisor):
    project = make_project(Stage.PRODUCING)
    project_transition(project=project, name="terminate", by=supervisor, effective_on=ON, note="x")
    project.refresh_from_db()

    options = {o.name: o for o in transition_options(project=project, user=supervisor)}

    assert options["correct"].allowed
    assert options["correct"].target == Stage.PRODUCING


def test_options_ask_for_confirmation_when_output_is_short(make_project, officer):
    project = make_project(Stage.PRODUCING, target_annual_output=100)

    options = {o.name: o for o in transition_options(project=project, user=officer)}

    assert options["reach_target"].allowed
    assert "确认" in options["reach_target"].reason
