"""Rules the database and ``clean()`` enforce whatever writes the row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Enrollment, Problem, ProgressReport, Project
from tests.factories import ActivityFactory, ProjectFactory


def test_a_second_enrollment_of_the_same_kind_is_refused(zone_a):
    project = ProjectFactory(zone=zone_a)
    Enrollment.objects.create(
        project=project, activity=ActivityFactory(city=zone_a.city), kind="signed"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            project=project, activity=ActivityFactory(city=zone_a.city), kind="signed"
        )

    assert project.enrollments.count() == 1


def test_an_enrollment_in_another_citys_activity_is_invalid(zone_a, other_city):
    enrollment = Enrollment(
        project=ProjectFactory(zone=zone_a),
        activity=ActivityFactory(city=other_city),
        kind="signed",
    )

    with pytest.raises(ValidationError) as error:
        enrollment.full_clean()

    assert "activity" in error.value.message_dict


@pytest.mark.parametrize("field", ["total_investment", "funds_in_place", "target_annual_output"])
def test_negative_money_is_refused_by_the_database(zone_a, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(zone=zone_a, **{field: Decimal("-1")})

    assert not Project.objects.exists()


def test_money_is_kept_as_exact_decimals(zone_a):
    project = ProjectFactory(zone=zone_a, total_investment=Decimal("123456.78"))

    project.refresh_from_db()

    assert project.total_investment == Decimal("123456.78")


def test_a_future_signing_date_is_invalid(zone_a):
    project = ProjectFactory.build(zone=zone_a, signed_on=datetime.date(2025, 7, 1))

    with pytest.raises(ValidationError) as error:
        project.full_clean()

    assert error.value.message_dict["signed_on"] == ["签约日期不能晚于今天。"]


def test_planned_dates_out_of_order_are_invalid_and_refused_by_the_database(zone_a):
    fields = {
        "planned_start_on": datetime.date(2025, 9, 1),
        "planned_production_on": datetime.date(2025, 8, 1),
    }

    with pytest.raises(ValidationError):
        ProjectFactory.build(zone=zone_a, **fields).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(zone=zone_a, **fields)


def test_a_resolved_problem_needs_its_resolution_date(zone_a):
    problem = Problem(
        project=ProjectFactory(zone=zone_a),
        category=Problem.Category.LAND,
        description="土地摘牌滞后",
        owner="县自然资源局",
        raised_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 4, 30),
        status=Problem.Status.RESOLVED,
    )

    with pytest.raises(ValidationError):
        problem.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        problem.save()


def test_progress_is_one_report_per_month_given_as_its_first_day(zone_a):
    project = ProjectFactory(zone=zone_a)
    report = ProgressReport(
        project=project, month=datetime.date(2025, 5, 15), investment_completed=Decimal("800")
    )

    with pytest.raises(ValidationError):
        report.full_clean()

    ProgressReport.objects.create(
        project=project, month=datetime.date(2025, 5, 1), investment_completed=Decimal("800")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(
            project=project, month=datetime.date(2025, 5, 1), investment_completed=Decimal("1")
        )
