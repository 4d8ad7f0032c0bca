"""The benchmark's generator writes rows the product itself would accept, in sane proportions.

On PostgreSQL only (the generator's SQL is PostgreSQL's), at a tiny scale.
"""

import datetime
from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model

from bench.generate import LOG_ROWS_PER_PROJECT, Shape, generate, token_key
from projects.models import (
    City,
    Enrollment,
    Membership,
    Milestone,
    Problem,
    ProgressReport,
    Project,
    Zone,
)
from projects.stages import PREVIOUS_STAGE, Stage, Transition
from workflow.models import TransitionLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
SCALE = 400


@pytest.fixture
def generated():
    # After the demo's last round, as the benchmark runs (the suite's own day is mid-2025).
    with time_machine.travel(datetime.datetime(2026, 1, 15, 4, 0, tzinfo=datetime.UTC), tick=False):
        yield generate(SCALE)


def test_the_generator_writes_the_shape_its_scale_asks_for(generated):
    shape = Shape.of(SCALE)
    assert Project.objects.count() == SCALE
    assert City.objects.count() == shape.cities
    assert Zone.objects.count() == shape.zones
    assert Project.objects.filter(zone__city__name="临汾市").count() == SCALE // 10
    assert set(City.objects.values_list("province", flat=True)) == {"山西省"}
    assert generated.rows["projects"] == SCALE


def test_generated_rows_pass_full_clean(generated):
    with time_machine.travel(datetime.datetime(2026, 1, 15, 4, 0, tzinfo=datetime.UTC), tick=False):
        for model in (Project, Enrollment, Milestone, Problem, ProgressReport, TransitionLog):
            for row in model.objects.all()[:150]:
                row.full_clean()


def test_every_stage_change_has_its_log_row_and_the_log_ends_at_the_stage(generated):
    last_target = {}
    for log in TransitionLog.objects.order_by("project_id", "recorded_at", "id"):
        last_target[log.project_id] = log.target
    for project in Project.objects.all():
        assert last_target.get(project.pk, Stage.SIGNED) == project.stage


def test_each_log_chains_from_signed_in_order_of_time_to_the_projects_stage(generated):
    projects = {project.pk: project for project in Project.objects.all()}
    histories = {pk: [] for pk in projects}
    for log in TransitionLog.objects.order_by("project_id", "recorded_at", "id"):
        histories[log.project_id].append(log)
    for pk, history in histories.items():
        project, stage, previous = projects[pk], Stage.SIGNED, None
        for log in history:
            assert log.source == stage
            assert project.signed_on <= log.effective_on <= datetime.date(2026, 1, 15)
            if previous is not None:
                assert log.effective_on >= previous.effective_on
                assert log.recorded_at > previous.recorded_at
            stage, previous = log.target, log
        assert stage == project.stage
        if project.stage != Stage.SIGNED:  # the last step into the stage is the real one
            entered = [
                log
                for log in history
                if log.target == project.stage and log.transition != Transition.CORRECT
            ]
            assert entered[-1].effective_on == project.stage_entered_on


def test_a_correction_is_the_city_supervisors_with_a_note_back_to_the_stage_before(generated):
    supervisors = dict(
        Membership.objects.filter(role="supervisor").values_list("user_id", "city_id")
    )
    corrections = 0
    previous = None
    for log in TransitionLog.objects.select_related("project__zone").order_by(
        "project_id", "recorded_at", "id"
    ):
        if log.transition == Transition.CORRECT:
            corrections += 1
            assert supervisors[log.by_id] == log.project.zone.city_id
            assert log.note
            assert previous.project_id == log.project_id
            assert log.target == previous.source
            assert log.target == PREVIOUS_STAGE.get(log.source, previous.source)
        previous = log
    assert corrections > SCALE


def test_the_log_holds_the_rows_a_project_the_issue_plans(generated):
    rows = TransitionLog.objects.count()
    assert generated.rows["transition_log"] == rows
    assert 0.9 * LOG_ROWS_PER_PROJECT < rows / SCALE < 1.1 * LOG_ROWS_PER_PROJECT


def test_stage_proportions_are_the_demo_plans(generated):
    stages = Counter(Project.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert 0.05 < stages[Stage.SIGNED] / SCALE < 0.45
    assert stages[Stage.TERMINATED] / SCALE < 0.2


def test_every_officer_has_the_token_the_benchmark_computes(generated):
    officer = get_user_model().objects.get(username="linfen-etdz-officer")
    assert officer.auth_token.key == token_key(officer.username)
    assert officer.membership.zone.code == "linfen-etdz"
