"""The three rates and the 三未 ledger, computed, as the cities publish them."""

import datetime

import pytest

from projects.models import Enrollment, Project, Stage
from tests.factories import ActivityFactory, ProjectFactory

RATES = "/api/v1/reports/three-rates/"


@pytest.fixture
def round_2024(city):
    return ActivityFactory(city=city, name="2024年第二次", held_on=datetime.date(2024, 6, 20))


@pytest.fixture
def batches(make_project, round_2024, foreign_zone, other_city):
    def enrol(project, kind, activity=round_2024):
        Enrollment.objects.create(project=project, activity=activity, kind=kind)
        return project

    signed = [
        enrol(make_project(Stage.STARTED, total_investment="100.10"), "signed"),
        enrol(make_project(Stage.PRODUCING, total_investment="200.20"), "signed"),
        enrol(make_project(Stage.TERMINATED, total_investment="300.30"), "signed"),
        enrol(make_project(Stage.SIGNED, total_investment="400.40"), "signed"),
    ]
    started = [
        enrol(make_project(Stage.PRODUCING, in_statistics_on="2024-06-01"), "started"),
        enrol(make_project(Stage.STARTED), "started"),
    ]
    producing = [enrol(make_project(Stage.AT_TARGET, above_scale_on="2025-06-01"), "producing")]
    foreign_round = ActivityFactory(city=other_city)
    enrol(ProjectFactory(zone=foreign_zone), "signed", foreign_round)
    return {"signed": signed, "started": started, "producing": producing}


def test_three_rates_of_a_round_as_of_today(api, supervisor, batches, round_2024):
    response = api(supervisor).get(RATES, {"activity": round_2024.pk})

    assert response.status_code == 200
    assert response.json() == {
        "as_of": "2025-06-30",
        "basis": {"terminated_in_denominator": True, "above_scale_industry_only": False},
        "signed": {
            "count": 4,
            "total_investment": "1001.00",
            "terminated": 1,
            "start_rate": 0.5,
        },
        "started": {
            "count": 2,
            "total_investment": "104000.00",
            "terminated": 0,
            "statistics_rate": 0.5,
            "production_rate": 0.5,
        },
        "producing": {
            "count": 1,
            "total_investment": "52000.00",
            "terminated": 0,
            "target_rate": 1.0,
            "above_scale_rate": 1.0,
            "output_rate": None,
        },
        "targets": {"start_rate": 0.8, "production_rate": 0.4, "target_rate": 0.95},
    }


def test_three_rates_as_of_an_earlier_date_count_only_what_had_happened(
    api, supervisor, batches, round_2024
):
    # on 2025-01-31 the producing-batch project was in production but not yet at target
    body = api(supervisor).get(RATES, {"activity": round_2024.pk, "as_of": "2025-01-31"}).json()

    assert body["signed"]["start_rate"] == 0.5
    assert body["started"]["production_rate"] == 0.5
    assert body["producing"]["target_rate"] == 0.0
    assert body["producing"]["above_scale_rate"] == 0.0


def test_an_empty_batch_has_null_rates(api, supervisor, batches, city):
    empty_round = ActivityFactory(city=city, name="2025年第一次")

    body = api(supervisor).get(RATES, {"activity": empty_round.pk}).json()

    assert body["signed"] == {
        "count": 0,
        "total_investment": "0.00",
        "terminated": 0,
        "start_rate": None,
    }


def test_rounds_can_be_chosen_by_date_range(api, supervisor, batches):
    inside = api(supervisor).get(RATES, {"from": "2024-06-01", "to": "2024-06-30"}).json()
    outside = api(supervisor).get(RATES, {"from": "2024-07-01"}).json()

    assert inside["signed"]["count"] == 4
    assert outside["signed"]["count"] == 0


def test_a_foreign_citys_projects_never_count(api, foreign_supervisor, batches):
    body = api(foreign_supervisor).get(RATES).json()

    assert body["signed"]["count"] == 1
    assert body["started"]["count"] == 0


@pytest.mark.parametrize(
    "query",
    [{"as_of": "yesterday"}, {"from": "2025-02-30"}, {"from": "2025-05-01", "to": "2025-01-01"}],
)
def test_bad_report_parameters_are_400(api, supervisor, query):
    response = api(supervisor).get(RATES, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


class TestStalls:
    def test_a_long_signed_project_is_signed_not_started_by_its_larger_overrun(
        self, api, supervisor, make_project
    ):
        # 545 days signed (365 over the 180 threshold) and 394 days past its planned start
        project = make_project(Stage.SIGNED, signed_on="2024-01-02", planned_start_on="2024-06-01")

        rows = api(supervisor).get("/api/v1/stalls/").json()["results"]

        assert {
            "project": project.pk,
            "kind": "signed_not_started",
            "days_over": 394,
            "since": "2024-01-02",
        }.items() <= rows[0].items()

    def test_a_started_project_past_its_threshold_is_started_not_producing(
        self, api, supervisor, make_project
    ):
        project = make_project(Stage.STARTED)  # started 2024-05-10: 416 days, 51 over 365

        rows = api(supervisor).get("/api/v1/stalls/", {"kind": "started_not_producing"}).json()

        assert [(r["project"], r["days_over"]) for r in rows["results"]] == [(project.pk, 51)]

    def test_the_ledger_as_of_an_earlier_date(self, api, supervisor, make_project):
        make_project(Stage.STARTED)

        rows = api(supervisor).get("/api/v1/stalls/", {"as_of": "2025-01-31"}).json()

        assert rows["count"] == 0

    def test_terminated_and_fresh_projects_are_not_stalled(self, api, supervisor, make_project):
        make_project(Stage.TERMINATED, signed_on="2024-01-02")
        make_project(Stage.SIGNED, signed_on="2025-06-01")

        assert api(supervisor).get("/api/v1/stalls/").json()["count"] == 0

    def test_stalls_are_scoped(self, api, officer_b, make_project):
        make_project(Stage.SIGNED, signed_on="2024-01-02")

        assert api(officer_b).get("/api/v1/stalls/").json()["count"] == 0

    def test_the_stalls_query_count_does_not_grow_with_rows(
        self, api, supervisor, make_project, django_assert_num_queries
    ):
        for _ in range(30):
            make_project(Stage.SIGNED, signed_on="2024-01-02")
        client = api(supervisor)

        # the token with its user, the stall thresholds, the count, the page with zones and leaders
        with django_assert_num_queries(4):
            body = client.get("/api/v1/stalls/").json()

        assert body["count"] == 30

    def test_an_unknown_kind_is_400(self, api, supervisor):
        response = api(supervisor).get("/api/v1/stalls/", {"kind": "sleeping"})

        assert response.status_code == 400


def test_the_project_rows_stay_untouched_by_reports(api, supervisor, batches, round_2024):
    before = list(Project.objects.order_by("pk").values())

    api(supervisor).get(RATES, {"activity": round_2024.pk})
    api(supervisor).get("/api/v1/stalls/")

    assert list(Project.objects.order_by("pk").values()) == before
