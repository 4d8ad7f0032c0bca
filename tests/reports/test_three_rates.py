"""The three rates on a city's basis, counted by hand: every rate, count and total, as of several
dates, on both bases, with terminated and corrected projects, empty batches and scope."""

import datetime

import pytest

from projects.models import Enrollment, Project, Stage
from reports.models import RateBasis, RateTarget
from tests.factories import ActivityFactory, ZoneFactory
from workflow.services import project_transition

RATES = "/api/v1/reports/three-rates/"
LINFEN_BASIS = {"terminated_in_denominator": "false", "above_scale_industry_only": "true"}


@pytest.fixture
def round_2024(city):
    return ActivityFactory(city=city, name="2024年第二次", held_on=datetime.date(2024, 6, 20))


@pytest.fixture
def cohort(make_project, round_2024, supervisor, zone_b):
    def enrol(project, kind):
        Enrollment.objects.create(project=project, activity=round_2024, kind=kind)
        return project

    def transition(project, name, on, note="核实后调整"):
        project_transition(project=project, name=name, by=supervisor, effective_on=on, note=note)

    # 签约一批: started, producing, terminated 2024-04-01, still signed, terminated and corrected
    enrol(make_project(Stage.STARTED, total_investment="100.10"), "signed")
    enrol(make_project(Stage.PRODUCING, total_investment="200.20"), "signed")
    enrol(make_project(Stage.TERMINATED, total_investment="300.30"), "signed")
    enrol(make_project(Stage.SIGNED, total_investment="400.40"), "signed")
    corrected = enrol(make_project(Stage.TERMINATED, total_investment="500.55"), "signed")
    transition(corrected, "correct", datetime.date(2024, 4, 2))
    # 开工一批: producing and in statistics; started; started, in statistics, then terminated
    enrol(
        make_project(
            Stage.PRODUCING,
            total_investment="1000.01",
            in_statistics_on="2024-06-01",
            actual_annual_output="60000.00",
        ),
        "started",
    )
    enrol(make_project(Stage.STARTED, total_investment="2000.02"), "started")
    dropped = make_project(Stage.STARTED, total_investment="3000.03", in_statistics_on="2024-05-20")
    transition(dropped, "terminate", datetime.date(2024, 6, 1), "资金链断裂")
    enrol(dropped, "started")
    # 投产一批: at target (industry, above scale); infrastructure producing; industry producing
    enrol(
        make_project(
            Stage.AT_TARGET,
            total_investment="52000.00",
            above_scale_on="2025-06-01",
            actual_annual_output="90000.00",
        ),
        "producing",
    )
    enrol(
        make_project(
            Stage.PRODUCING,
            total_investment="7000.07",
            category=Project.Category.INFRASTRUCTURE,
            target_annual_output="20000.00",
            actual_annual_output="5000.00",
        ),
        "producing",
    )
    enrol(make_project(Stage.PRODUCING, total_investment="0.50"), "producing")
    # zone B: one started project in the signed batch, one producing of three started
    enrol(make_project(Stage.STARTED, zone=zone_b, total_investment="10.00"), "signed")
    enrol(make_project(Stage.PRODUCING, zone=zone_b), "started")
    enrol(make_project(Stage.STARTED, zone=zone_b), "started")
    enrol(make_project(Stage.STARTED, zone=zone_b), "started")


def test_every_figure_of_a_zone_as_of_today_on_the_default_basis(api, officer, cohort):
    body = api(officer).get(RATES).json()

    assert body["basis"] == {"terminated_in_denominator": True, "above_scale_industry_only": False}
    assert body["signed"] == {
        "count": 5,
        "total_investment": "1501.55",
        "terminated": 1,
        "start_rate": 0.4,  # 2 of 5: the corrected project is signed again
    }
    assert body["started"] == {
        "count": 3,
        "total_investment": "6000.06",
        "terminated": 1,
        "statistics_rate": 0.666667,  # 2 of 3: the terminated one stays
        "production_rate": 0.333333,
    }
    assert body["producing"] == {
        "count": 3,
        "total_investment": "59000.57",
        "terminated": 0,
        "target_rate": 0.333333,
        "above_scale_rate": 0.333333,
        "output_rate": 0.95,  # (90000 + 5000) / (80000 + 20000); the third has no actual
    }
    assert body["targets"] == {"start_rate": 0.8, "production_rate": 0.4, "target_rate": 0.95}


def test_every_rate_of_a_zone_as_of_today_on_linfens_basis(api, officer, cohort):
    body = api(officer).get(RATES, LINFEN_BASIS).json()

    assert body["basis"] == {"terminated_in_denominator": False, "above_scale_industry_only": True}
    assert body["signed"]["start_rate"] == 0.5  # 2 of the 4 not terminated
    assert body["started"]["statistics_rate"] == 0.5
    assert body["started"]["production_rate"] == 0.5
    assert body["producing"]["target_rate"] == 0.333333
    assert body["producing"]["above_scale_rate"] == 0.5  # 1 of the 2 industry projects
    assert body["signed"]["total_investment"] == "1501.55"  # the batch's money is all of it


@pytest.mark.parametrize(
    ("as_of", "default", "linfen"),
    [
        # (start rate, terminated by then): before the termination both bases count all five
        ("2024-03-31", (0.0, 0), (0.0, 0)),
        # from 2024-04-01 the terminated project is out of Linfen's denominator
        ("2024-04-30", (0.0, 1), (0.0, 1)),
        ("2024-05-10", (0.4, 1), (0.5, 1)),
    ],
)
def test_the_signed_batch_as_of_earlier_dates(api, officer, cohort, as_of, default, linfen):
    plain = api(officer).get(RATES, {"as_of": as_of}).json()["signed"]
    narrow = api(officer).get(RATES, {"as_of": as_of, **LINFEN_BASIS}).json()["signed"]

    assert (plain["start_rate"], plain["terminated"]) == default
    assert (narrow["start_rate"], narrow["terminated"]) == linfen


def test_the_producing_batch_before_its_target_dates(api, officer, cohort):
    body = api(officer).get(RATES, {"as_of": "2025-05-30"}).json()

    assert body["producing"]["target_rate"] == 0.0
    assert body["producing"]["above_scale_rate"] == 0.0
    assert body["started"]["statistics_rate"] == 0.666667


def test_the_started_batch_before_the_termination_counts_the_project_on_both_bases(
    api, officer, cohort
):
    body = api(officer).get(RATES, {"as_of": "2024-05-31", **LINFEN_BASIS}).json()

    assert body["started"]["terminated"] == 0
    assert body["started"]["statistics_rate"] == 0.333333  # only the one from 2024-05-20


def test_an_empty_batch_has_null_rates_and_no_output_rate(api, supervisor, cohort, city):
    empty = ActivityFactory(city=city, name="2025年第一次")

    body = api(supervisor).get(RATES, {"activity": empty.pk}).json()

    assert body["producing"] == {
        "count": 0,
        "total_investment": "0.00",
        "terminated": 0,
        "target_rate": None,
        "above_scale_rate": None,
        "output_rate": None,
    }
    assert body["signed"]["start_rate"] is None


def test_an_officers_report_never_counts_another_zone(api, officer, officer_b, cohort):
    mine = api(officer).get(RATES, {"city": "临汾市"}).json()
    theirs = api(officer_b).get(RATES).json()

    assert mine["signed"]["count"] == 5
    assert theirs["signed"] == {
        "count": 1,
        "total_investment": "10.00",
        "terminated": 0,
        "start_rate": 1.0,
    }
    assert theirs["started"]["count"] == 3


def test_the_citys_own_basis_applies_and_is_named(api, supervisor, cohort, city):
    RateBasis.objects.create(city=city, terminated_in_denominator=False)

    body = api(supervisor).get(RATES, {"zone": "linfen-etdz"}).json()

    assert body["basis"] == {"terminated_in_denominator": False, "above_scale_industry_only": False}
    assert body["signed"]["start_rate"] == 0.5


def test_a_request_may_override_the_citys_basis_for_itself(api, supervisor, cohort, city):
    RateBasis.objects.create(city=city, terminated_in_denominator=False)

    body = (
        api(supervisor)
        .get(RATES, {"zone": "linfen-etdz", "terminated_in_denominator": "true"})
        .json()
    )

    assert body["basis"]["terminated_in_denominator"] is True
    assert body["signed"]["start_rate"] == 0.4
    assert RateBasis.objects.get(city=city).terminated_in_denominator is False


def test_targets_are_the_citys_for_the_year_of_the_report(api, supervisor, cohort, city):
    RateTarget.objects.create(
        city=city, year=2025, start_rate="85", production_rate="45.5", target_rate="96"
    )

    this_year = api(supervisor).get(RATES).json()["targets"]
    last_year = api(supervisor).get(RATES, {"as_of": "2024-12-31"}).json()["targets"]

    assert this_year == {"start_rate": 0.85, "production_rate": 0.455, "target_rate": 0.96}
    assert last_year == {"start_rate": 0.8, "production_rate": 0.4, "target_rate": 0.95}


def test_zones_are_ranked_by_each_rate_with_ties_sharing_and_empty_batches_unranked(
    api, supervisor, cohort, city
):
    ZoneFactory(code="xiangfen-edz", name="襄汾经济开发区", city=city)

    body = api(supervisor).get(RATES, {"by": "zone"}).json()

    assert set(body) == {"as_of", "basis", "zones", "targets"}
    zones = {zone["zone"]: zone for zone in body["zones"]}
    assert [zone["zone"] for zone in body["zones"]] == ["houma-edz", "linfen-etdz", "xiangfen-edz"]
    assert zones["houma-edz"]["name"] == "侯马经济开发区"
    assert zones["houma-edz"]["signed"]["start_rate"] == 1.0
    assert zones["linfen-etdz"]["signed"]["start_rate"] == 0.4
    assert zones["houma-edz"]["rank"] == {
        "start_rate": 1,
        "production_rate": 1,  # 1 of 3, the same as zone A's: a shared first place
        "target_rate": None,  # nothing in its 投产一批
    }
    assert zones["linfen-etdz"]["rank"] == {
        "start_rate": 2,
        "production_rate": 1,
        "target_rate": 1,
    }
    assert zones["xiangfen-edz"]["signed"]["count"] == 0
    assert zones["xiangfen-edz"]["rank"] == {
        "start_rate": None,
        "production_rate": None,
        "target_rate": None,
    }


def test_an_officer_ranks_only_their_own_zone(api, officer, cohort):
    body = api(officer).get(RATES, {"by": "zone"}).json()

    assert [zone["zone"] for zone in body["zones"]] == ["linfen-etdz"]


PLACES = [
    ("supervisor", "zone", "jincheng-etdz", "nowhere"),
    ("officer", "zone", "houma-edz", "nowhere"),
    ("supervisor", "city", "晋城市", "不存在市"),
    ("foreign_supervisor", "city", "临汾市", "不存在市"),
    ("officer", "activity", "{foreign}", "99999999"),
]


@pytest.mark.parametrize(("role", "parameter", "foreign", "unknown"), PLACES)
@pytest.mark.parametrize("by", [None, "zone"])
def test_a_foreign_place_answers_the_same_400_as_an_unknown_one(
    request, api, cohort, foreign_zone, other_city, role, parameter, foreign, unknown, by
):
    foreign_round = ActivityFactory(city=other_city)
    client = api(request.getfixturevalue(role))
    extra = {"by": by} if by else {}

    response = client.get(RATES, {parameter: foreign.format(foreign=foreign_round.pk), **extra})
    absent = client.get(RATES, {parameter: unknown, **extra})

    assert response.status_code == 400
    assert response.json() == absent.json()
    assert response.json()["code"] == "invalid"
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "0001-01-01"},
        {"as_of": "9999-12-31"},
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"activity": str(2**70)},
        {"zone": "linfen\x00etdz"},
        {"by": "county"},
        {"terminated_in_denominator": "maybe"},
    ],
)
def test_parameters_at_the_extremes_are_a_400_never_a_500(api, supervisor, cohort, query):
    response = api(supervisor).get(RATES, query)

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "detail"}


def test_the_three_rates_take_a_fixed_number_of_queries(
    api, supervisor, officer, cohort, django_assert_num_queries
):
    client = api(supervisor)
    # token with user and membership, the city's basis and targets, the zones' rollup marks
    # (none: no refresh ran), the one aggregate
    with django_assert_num_queries(5):
        client.get(RATES)
    # and the zone named, checked once
    with django_assert_num_queries(6):
        client.get(RATES, {"zone": "linfen-etdz"})
    # by zone: the zones listed too
    with django_assert_num_queries(6):
        client.get(RATES, {"by": "zone"})
