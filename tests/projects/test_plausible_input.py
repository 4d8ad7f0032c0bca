"""One plausibility rule for every date and every sum of money, and full-width digits read as
ASCII by the admin's forms as by the API and the services."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from projects import services
from projects.errors import Invalid
from projects.models import MoneyField, PlausibleDateField, Project, not_before_2000
from tests.factories import ProjectFactory

OUR_APPS = ("projects", "workflow")


def fields_of(kind):
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                # A DateTimeField is a DateField too: those are stamped by the clock, not typed.
                if isinstance(field, kind) and not isinstance(field, models.DateTimeField):
                    yield f"{model.__name__}.{field.name}", field


def test_every_date_of_every_model_refuses_years_before_2000():
    dates = dict(fields_of(models.DateField))

    assert "Project.in_statistics_on" in dates
    for name, field in dates.items():
        assert isinstance(field, PlausibleDateField), name
        assert not_before_2000 in field.validators, name


@pytest.mark.parametrize(
    "name",
    [
        "Project.total_investment",
        "Project.funds_in_place",
        "Project.target_annual_output",
        "Project.actual_annual_output",
        "ProgressReport.investment_completed",
    ],
)
def test_every_sum_of_money_has_the_ceiling(name, settings):
    field = dict(fields_of(models.DecimalField))[name]
    settings.MAX_MONEY_WAN = 10_000_000

    assert isinstance(field, MoneyField)
    field.run_validators(Decimal("10000000.00"))
    with pytest.raises(ValidationError):
        field.run_validators(Decimal("10000000.01"))


def test_the_admins_forms_read_full_width_digits_as_ascii():
    date_field = Project._meta.get_field("signed_on").formfield()
    money_field = Project._meta.get_field("total_investment").formfield()

    assert date_field.clean("２０２５－０３－１８") == datetime.date(2025, 3, 18)
    assert money_field.clean("１２００.５０") == Decimal("1200.50")


def test_the_model_reads_full_width_digits_given_as_text(zone_a):
    project = ProjectFactory.build(
        zone=zone_a, signed_on="２０２５－０３－１８", total_investment="５２０００"
    )

    project.full_clean()

    assert (project.signed_on, project.total_investment) == (
        datetime.date(2025, 3, 18),
        Decimal("52000"),
    )


def test_project_create_refuses_a_live_twin_naming_it(officer, zone_a):
    existing = ProjectFactory(zone=zone_a, name="甲项目", investor="甲公司")

    with pytest.raises(Invalid) as refusal:
        services.project_create(
            by=officer,
            zone=zone_a,
            name="甲项目",
            investor="甲公司",
            total_investment=Decimal("10"),
            signed_on=datetime.date(2025, 1, 1),
        )

    assert str(existing.pk) in refusal.value.errors["name"][0]


def test_project_update_refuses_a_stage_field(officer, make_project):
    project = make_project()

    with pytest.raises(Invalid) as refusal:
        services.project_update(project=project, by=officer, started_on=datetime.date(2025, 1, 1))

    assert "started_on" in refusal.value.errors


def test_a_viewer_cannot_create_a_project_through_the_service(viewer, zone_a):
    from projects.errors import Forbidden

    with pytest.raises(Forbidden):
        services.project_create(by=viewer, zone=zone_a, name="乙", investor="乙公司")


def test_a_unique_race_is_invalid_not_an_integrity_error(officer, make_project, monkeypatch):
    # given the check before the insert saw no milestone (another request inserted one since)
    project = make_project()
    services.milestone_create(
        project=project, by=officer, name="竣工", planned_on=datetime.date(2025, 9, 1)
    )
    monkeypatch.setattr(Project, "milestones", property(lambda self: _Empty()), raising=False)
    from projects.models import Milestone

    monkeypatch.setattr(Milestone, "validate_constraints", lambda self, exclude=None: None)

    # when the second insert hits the unique constraint, then it is a 400 naming the field
    with pytest.raises(Invalid) as refusal:
        services.milestone_create(
            project=project, by=officer, name="竣工", planned_on=datetime.date(2025, 9, 1)
        )
    assert "name" in refusal.value.errors


class _Empty:
    def filter(self, **kwargs):
        return self

    def exclude(self, **kwargs):
        return self

    def exists(self) -> bool:
        return False
