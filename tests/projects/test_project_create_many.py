"""project_create_many: several new projects in one insert, by the rules of project_create."""

import datetime
from decimal import Decimal

import pytest

from projects.errors import Forbidden, Invalid
from projects.models import Project, Stage
from projects.services import project_create_many
from tests.factories import ProjectFactory


def _row(zone, name: str, **fields) -> dict:
    return {
        "zone": zone,
        "name": name,
        "investor": "山西测试新材料有限公司",
        "total_investment": Decimal("1000.00"),
        "signed_on": datetime.date(2024, 3, 1),
        **fields,
    }


def test_many_projects_are_checked_in_a_few_queries_and_stored_in_one_insert(
    zone_a, officer, django_assert_num_queries
):
    rows = [_row(zone_a, f"项目{n}", leader=officer) for n in range(20)]
    officer.membership  # noqa: B018 -- cached on the user, as a request's user is
    # zones in scope, people, live twins; one insert (SQLite batches 20 rows in one) in a savepoint
    with django_assert_num_queries(6):
        made = project_create_many(by=officer, rows=rows)
    assert [p.pk is not None for p in made] == [True] * 20
    assert Project.objects.filter(zone=zone_a, stage=Stage.SIGNED).count() == 20


def test_a_zone_outside_the_callers_scope_refuses_the_batch_naming_its_row(zone_a, zone_b, officer):
    with pytest.raises(Invalid) as refused:
        project_create_many(by=officer, rows=[_row(zone_a, "甲"), _row(zone_b, "乙")])
    assert refused.value.row == 1
    assert "zone" in refused.value.errors
    assert not Project.objects.exists()


def test_a_stage_date_is_refused_as_in_project_create(zone_a, officer):
    with pytest.raises(Invalid) as refused:
        project_create_many(
            by=officer, rows=[_row(zone_a, "甲", started_on=datetime.date(2024, 4, 1))]
        )
    assert refused.value.row == 0
    assert "started_on" in refused.value.errors


def test_a_stored_live_twin_is_refused_as_the_model_refuses_it(zone_a, officer):
    twin = ProjectFactory(zone=zone_a, name="甲", investor="山西测试新材料有限公司")
    with pytest.raises(Invalid) as refused:
        project_create_many(by=officer, rows=[_row(zone_a, "乙"), _row(zone_a, " 甲 ")])
    assert refused.value.row == 1
    assert str(twin.pk) in refused.value.errors["name"][0]
    assert Project.objects.count() == 1


def test_the_same_project_twice_in_one_batch_is_refused(zone_a, officer):
    with pytest.raises(Invalid) as refused:
        project_create_many(by=officer, rows=[_row(zone_a, "甲"), _row(zone_a, "甲")])
    assert refused.value.row == 1
    assert not Project.objects.exists()


def test_the_models_own_rules_run_on_every_row(zone_a, officer):
    bad = _row(zone_a, "乙", funds_in_place=Decimal("2000.00"))
    with pytest.raises(Invalid) as refused:
        project_create_many(by=officer, rows=[_row(zone_a, "甲"), bad])
    assert refused.value.row == 1
    assert "funds_in_place" in refused.value.errors


def test_a_leader_from_another_city_is_refused(zone_a, officer, foreign_supervisor):
    with pytest.raises(Invalid) as refused:
        project_create_many(by=officer, rows=[_row(zone_a, "甲", leader=foreign_supervisor)])
    assert "leader" in refused.value.errors


def test_a_viewer_may_not_create_projects(zone_a, viewer):
    with pytest.raises(Forbidden):
        project_create_many(by=viewer, rows=[_row(zone_a, "甲")])
