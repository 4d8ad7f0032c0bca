"""Every transition from every stage, as the one service takes it."""

import datetime

import pytest

from projects.errors import Invalid, TransitionNotAllowed
from projects.models import Project, Stage
from workflow.models import TransitionLog
from workflow.services import TRANSITIONS, project_transition

ON = datetime.date(2025, 6, 1)
NOTE = "核实后更正"

# (stage, transition) -> stage after it; a missing pair is refused with transition_not_allowed.
LEGAL = {
    (Stage.SIGNED, "start"): Stage.STARTED,
    (Stage.SIGNED, "terminate"): Stage.TERMINATED,
    (Stage.STARTED, "put_into_production"): Stage.PRODUCING,
    (Stage.STARTED, "terminate"): Stage.TERMINATED,
    (Stage.STARTED, "correct"): Stage.SIGNED,
    (Stage.PRODUCING, "reach_target"): Stage.AT_TARGET,
    (Stage.PRODUCING, "terminate"): Stage.TERMINATED,
    (Stage.PRODUCING, "correct"): Stage.STARTED,
    (Stage.AT_TARGET, "correct"): Stage.PRODUCING,
    (Stage.TERMINATED, "correct"): Stage.SIGNED,
}
ALL_PAIRS = [(stage, name) for stage in Stage.values for name in TRANSITIONS]


def _snapshot(project: Project) -> dict:
    project.refresh_from_db()
    return {
        field: getattr(project, field)
        for field in (
            "stage",
            "signed_on",
            "started_on",
            "producing_on",
            "at_target_on",
            "terminated_on",
            "termination_reason",
            "version",
        )
    }


@pytest.mark.parametrize(("stage", "name"), [p for p in ALL_PAIRS if p in LEGAL])
def test_legal_transition_moves_the_stage_and_logs_one_row(make_project, supervisor, stage, name):
    # given
    project = make_project(stage)
    logs_before = TransitionLog.objects.filter(project=project).count()
    version = project.version

    # when
    moved = project_transition(
        project=project,
        name=name,
        by=supervisor,
        effective_on=ON,
        note=NOTE,
        version=version,
        confirmed=True,
    )

    # then
    moved.refresh_from_db()
    assert moved.stage == LEGAL[(stage, name)]
    assert moved.version == version + 1
    log = TransitionLog.objects.filter(project=project).order_by("id").last()
    assert TransitionLog.objects.filter(project=project).count() == logs_before + 1
    assert (log.transition, log.source, log.target) == (name, stage, moved.stage)
    assert log.effective_on == ON
    assert log.by == supervisor
    assert log.note == NOTE


@pytest.mark.parametrize(("stage", "name"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_transition_is_refused_and_changes_nothing(make_project, supervisor, stage, name):
    project = make_project(stage)
    before = _snapshot(project)
    logs_before = TransitionLog.objects.count()

    with pytest.raises(TransitionNotAllowed) as refused:
        project_transition(
            project=project, name=name, by=supervisor, effective_on=ON, note=NOTE, confirmed=True
        )

    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    assert refused.value.detail
    assert _snapshot(project) == before
    assert TransitionLog.objects.count() == logs_before


@pytest.mark.parametrize(
    ("stage", "name", "detail"),
    [
        (Stage.SIGNED, "put_into_production", "项目尚未开工，不能投产。"),
        (Stage.STARTED, "start", "项目已开工。"),
        (Stage.SIGNED, "correct", "项目处于签约阶段，没有可以退回的上一阶段。"),
        (Stage.AT_TARGET, "terminate", "项目已达效，不能终止。"),
    ],
)
def test_refusal_tells_the_officer_why_in_chinese(make_project, supervisor, stage, name, detail):
    project = make_project(stage)

    with pytest.raises(TransitionNotAllowed) as refused:
        project_transition(project=project, name=name, by=supervisor, effective_on=ON, note=NOTE)

    assert refused.value.detail == detail


def test_start_sets_the_start_date(make_project, officer):
    project = make_project(Stage.SIGNED)

    project_transition(project=project, name="start", by=officer, effective_on=ON)

    project.refresh_from_db()
    assert project.started_on == ON


def test_correct_clears_the_date_of_the_stage_it_undoes(make_project, supervisor):
    project = make_project(Stage.PRODUCING)

    project_transition(project=project, name="correct", by=supervisor, effective_on=ON, note=NOTE)

    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert project.producing_on is None
    assert project.started_on == datetime.date(2024, 5, 10)


def test_correcting_a_termination_returns_to_the_stage_it_was_terminated_from(
    make_project, supervisor
):
    # given a producing project terminated by mistake
    project = make_project(Stage.PRODUCING)
    project_transition(
        project=project, name="terminate", by=supervisor, effective_on=ON, note="误操作"
    )

    # when
    project_transition(project=project, name="correct", by=supervisor, effective_on=ON, note=NOTE)

    # then
    project.refresh_from_db()
    assert project.stage == Stage.PRODUCING
    assert project.terminated_on is None
    assert project.termination_reason == ""
    assert project.producing_on == datetime.date(2025, 1, 20)
    assert list(
        TransitionLog.objects.filter(project=project).values_list("transition", flat=True)
    ) == ["start", "put_into_production", "terminate", "correct"]


def test_terminate_keeps_the_reason(make_project, zone_leader):
    project = make_project(Stage.STARTED)

    project_transition(
        project=project, name="terminate", by=zone_leader, effective_on=ON, note="企业战略调整"
    )

    project.refresh_from_db()
    assert (project.stage, project.terminated_on) == (Stage.TERMINATED, ON)
    assert project.termination_reason == "企业战略调整"


class TestReachTargetGuard:
    def test_is_refused_when_output_is_below_target_and_not_confirmed(self, make_project, officer):
        project = make_project(Stage.PRODUCING, target_annual_output=100)
        Project.objects.filter(pk=project.pk).update(actual_annual_output=90)

        with pytest.raises(TransitionNotAllowed) as refused:
            project_transition(project=project, name="reach_target", by=officer, effective_on=ON)

        assert "实际年产值低于目标年产值" in refused.value.detail
        assert _snapshot(project)["stage"] == Stage.PRODUCING

    def test_is_refused_when_output_figures_are_missing(self, make_project, officer):
        project = make_project(Stage.PRODUCING, target_annual_output=None)

        with pytest.raises(TransitionNotAllowed):
            project_transition(project=project, name="reach_target", by=officer, effective_on=ON)

    def test_passes_when_actual_output_reaches_target(self, make_project, officer):
        project = make_project(Stage.PRODUCING, target_annual_output=100)
        Project.objects.filter(pk=project.pk).update(actual_annual_output=100)

        project_transition(project=project, name="reach_target", by=officer, effective_on=ON)

        assert _snapshot(project)["stage"] == Stage.AT_TARGET

    def test_passes_with_explicit_confirmation(self, make_project, officer):
        project = make_project(Stage.PRODUCING, target_annual_output=100)

        project_transition(
            project=project, name="reach_target", by=officer, effective_on=ON, confirmed=True
        )

        assert _snapshot(project)["stage"] == Stage.AT_TARGET


class TestEffectiveDate:
    def test_is_required(self, make_project, officer):
        project = make_project(Stage.SIGNED)

        with pytest.raises(Invalid) as refused:
            project_transition(project=project, name="start", by=officer, effective_on=None)

        assert refused.value.errors.keys() == {"effective_on"}
        assert _snapshot(project)["stage"] == Stage.SIGNED

    def test_must_be_a_date_not_a_string(self, make_project, officer):
        project = make_project(Stage.SIGNED)

        with pytest.raises(Invalid):
            project_transition(project=project, name="start", by=officer, effective_on="2025-06-01")

    def test_cannot_be_in_the_future(self, make_project, officer):
        project = make_project(Stage.SIGNED)

        with pytest.raises(Invalid) as refused:
            project_transition(
                project=project, name="start", by=officer, effective_on=datetime.date(2025, 7, 1)
            )

        assert refused.value.detail == "日期不能晚于今天。"

    def test_today_is_the_day_in_shanghai_not_in_utc(self, make_project, officer, time_machine):
        # 2025-06-30 17:30 UTC is already 2025-07-01 01:30 in Shanghai.
        time_machine.move_to(datetime.datetime(2025, 6, 30, 17, 30, tzinfo=datetime.UTC))
        project = make_project(Stage.SIGNED)

        project_transition(
            project=project, name="start", by=officer, effective_on=datetime.date(2025, 7, 1)
        )

        assert _snapshot(project)["started_on"] == datetime.date(2025, 7, 1)

    @pytest.mark.parametrize(
        ("stage", "name", "too_early"),
        [
            (Stage.SIGNED, "start", datetime.date(2024, 2, 29)),
            (Stage.STARTED, "put_into_production", datetime.date(2024, 5, 9)),
            (Stage.PRODUCING, "reach_target", datetime.date(2025, 1, 19)),
            (Stage.PRODUCING, "terminate", datetime.date(2025, 1, 19)),
            (Stage.AT_TARGET, "correct", datetime.date(2025, 5, 30)),
        ],
    )
    def test_cannot_be_before_the_current_stage_began(
        self, make_project, supervisor, stage, name, too_early
    ):
        project = make_project(stage)
        before = _snapshot(project)

        with pytest.raises(Invalid) as refused:
            project_transition(
                project=project,
                name=name,
                by=supervisor,
                effective_on=too_early,
                note=NOTE,
                confirmed=True,
            )

        assert refused.value.errors.keys() == {"effective_on"}
        assert _snapshot(project) == before

    def test_may_be_the_same_day_as_the_previous_stage(self, make_project, officer):
        project = make_project(Stage.SIGNED)

        project_transition(
            project=project, name="start", by=officer, effective_on=project.signed_on
        )

        assert _snapshot(project)["stage"] == Stage.STARTED


@pytest.mark.parametrize(
    ("stage", "name"), [(Stage.STARTED, "terminate"), (Stage.AT_TARGET, "correct")]
)
@pytest.mark.parametrize("note", ["", "   "])
def test_a_reason_is_required(make_project, supervisor, stage, name, note):
    project = make_project(stage)
    before = _snapshot(project)

    with pytest.raises(Invalid) as refused:
        project_transition(project=project, name=name, by=supervisor, effective_on=ON, note=note)

    assert refused.value.errors.keys() == {"note"}
    assert _snapshot(project) == before
