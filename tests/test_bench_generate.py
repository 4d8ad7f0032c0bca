"""The benchmark's generator writes rows the product itself would accept, in sane proportions.

On PostgreSQL only (the generator's SQL is PostgreSQL's), at a tiny scale.
"""

import datetime
from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model

from bench.generate import Shape, generate, token_key
from projects.models import City, Enrollment, Milestone, Problem, ProgressReport, Project, Zone
from projects.stages import Stage
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
        for model in (Project, Enrollment, Milestone, Problem, ProgressReport):
            for row in model.objects.all()[:150]:
                row.full_clean()


def test_every_stage_change_has_its_log_row_and_the_log_ends_at_the_stage(generated):
    last_target = {}
    for log in TransitionLog.objects.order_by("project_id", "recorded_at", "id"):
        last_target[log.project_id] = log.target
    for project in Project.objects.all():
        assert last_target.get(project.pk, Stage.SIGNED) == project.stage


def test_stage_proportions_are_the_demo_plans(generated):
    stages = Counter(Project.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert 0.05 < stages[Stage.SIGNED] / SCALE < 0.45
    assert stages[Stage.TERMINATED] / SCALE < 0.2


def test_every_officer_has_the_token_the_benchmark_computes(generated):
    officer = get_user_model().objects.get(username="linfen-etdz-officer")
    assert officer.auth_token.key == token_key(officer.username)
    assert officer.membership.zone.code == "linfen-etdz"
