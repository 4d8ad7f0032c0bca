"""The figures the cities published (科学导报《开发区建设》), reproduced from hand-built cohorts.

Linfen, "2022 年以来" (seed 002): 签约一批 127 projects, 531.55 亿元, 开工率 93.4 %; 开工一批 97,
213.29 亿元, 入统率 84.5 %, 投产率 56 %; 投产一批 101, 271.46 亿元, 达效率 100 %, 达规入库率 81.5 %.
No whole number of 127 gives 93.4 % and none of 101 gives 81.5 %: the figures come out only on
Linfen's basis, terminated projects out of every denominator and the above-scale rate over
industry projects only. Jincheng (97.69 % / 57.11 % / 100 %) comes out on the default basis.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from projects.models import Project, Stage
from reports.models import RateBasis
from tests.factories import ActivityFactory, ZoneFactory
from tests.reports.cohorts import enrol

RATES = "/api/v1/reports/three-rates/"
AS_OF = "2024-01-31"


def printed(rate: float, decimals: int) -> str:
    """A share as the city printed it: a percent rounded half up to ``decimals``."""
    exponent = Decimal(1).scaleb(-decimals)
    return str((Decimal(str(rate)) * 100).quantize(exponent, rounding=ROUND_HALF_UP))


def in_yi(total_investment: str) -> str:
    """万元 → 亿元, as the bulletins print money."""
    return str(Decimal(total_investment) / 10000)


@pytest.fixture
def linfen(city, supervisor):
    zone = ZoneFactory(code="linfen-etdz", name="临汾经济技术开发区", city=city)
    rounds = [
        ActivityFactory(city=city, name=f"第{n}次", held_on=datetime.date(2022 + n // 3, 1 + n, 10))
        for n in range(4)
    ]
    RateBasis.objects.create(
        city=city, terminated_in_denominator=False, above_scale_industry_only=True
    )
    # 签约一批 127: 114 started, 8 still signed, 5 terminated before they started
    enrol(
        zone=zone,
        activity=rounds[0],
        kind="signed",
        count=114,
        stage=Stage.STARTED,
        investment="41850.00",
    )
    enrol(
        zone=zone,
        activity=rounds[1],
        kind="signed",
        count=7,
        stage=Stage.SIGNED,
        investment="41850.00",
    )
    enrol(
        zone=zone,
        activity=rounds[1],
        kind="signed",
        count=1,
        stage=Stage.SIGNED,
        investment="42400.00",
    )
    enrol(
        zone=zone,
        activity=rounds[1],
        kind="signed",
        count=5,
        stage=Stage.SIGNED,
        terminated=True,
        investment="41850.00",
    )
    # 开工一批 97: of the 84 live, 71 in the statistics and 47 producing; 13 terminated
    enrol(
        zone=zone,
        activity=rounds[1],
        kind="started",
        count=47,
        stage=Stage.PRODUCING,
        in_statistics_on=datetime.date(2023, 1, 5),
        investment="21990.00",
    )
    enrol(
        zone=zone,
        activity=rounds[2],
        kind="started",
        count=24,
        stage=Stage.STARTED,
        in_statistics_on=datetime.date(2023, 1, 5),
        investment="21990.00",
    )
    enrol(
        zone=zone,
        activity=rounds[2],
        kind="started",
        count=12,
        stage=Stage.STARTED,
        investment="21990.00",
    )
    enrol(
        zone=zone,
        activity=rounds[2],
        kind="started",
        count=1,
        stage=Stage.STARTED,
        investment="21860.00",
    )
    enrol(
        zone=zone,
        activity=rounds[3],
        kind="started",
        count=13,
        stage=Stage.STARTED,
        terminated=True,
        investment="21990.00",
    )
    # 投产一批 101, all at target: 81 industry projects, 66 of them above scale; 20 others
    enrol(
        zone=zone,
        activity=rounds[2],
        kind="producing",
        count=66,
        stage=Stage.AT_TARGET,
        above_scale_on=datetime.date(2023, 12, 1),
        investment="26880.00",
    )
    enrol(
        zone=zone,
        activity=rounds[3],
        kind="producing",
        count=15,
        stage=Stage.AT_TARGET,
        investment="26880.00",
    )
    enrol(
        zone=zone,
        activity=rounds[3],
        kind="producing",
        count=19,
        stage=Stage.AT_TARGET,
        category=Project.Category.INFRASTRUCTURE,
        investment="26880.00",
    )
    enrol(
        zone=zone,
        activity=rounds[3],
        kind="producing",
        count=1,
        stage=Stage.AT_TARGET,
        category=Project.Category.LIVELIHOOD,
        investment="26600.00",
    )
    return rounds


def test_linfens_published_table_comes_out_on_linfens_basis(api, supervisor, linfen):
    # when
    body = api(supervisor).get(RATES, {"from": "2022-01-01", "as_of": AS_OF}).json()

    # then: the basis is named, and every figure reads as the city printed it
    assert body["basis"] == {"terminated_in_denominator": False, "above_scale_industry_only": True}
    signed, started, producing = body["signed"], body["started"], body["producing"]
    assert (signed["count"], in_yi(signed["total_investment"])) == (127, "531.55")
    assert (started["count"], in_yi(started["total_investment"])) == (97, "213.29")
    assert (producing["count"], in_yi(producing["total_investment"])) == (101, "271.46")
    assert printed(signed["start_rate"], 1) == "93.4"
    assert printed(started["statistics_rate"], 1) == "84.5"
    assert printed(started["production_rate"], 1) == "56.0"
    assert printed(producing["target_rate"], 1) == "100.0"
    assert printed(producing["above_scale_rate"], 1) == "81.5"


def test_linfens_cohort_on_the_default_basis_does_not_give_the_published_figures(
    api, supervisor, linfen
):
    body = (
        api(supervisor)
        .get(
            RATES,
            {
                "from": "2022-01-01",
                "as_of": AS_OF,
                "terminated_in_denominator": "true",
                "above_scale_industry_only": "false",
            },
        )
        .json()
    )

    assert body["basis"] == {"terminated_in_denominator": True, "above_scale_industry_only": False}
    assert printed(body["signed"]["start_rate"], 1) == "89.8"  # 114 / 127
    assert printed(body["started"]["statistics_rate"], 1) == "73.2"  # 71 / 97
    assert printed(body["producing"]["above_scale_rate"], 1) == "65.3"  # 66 / 101


@pytest.fixture
def jincheng(other_city, foreign_supervisor):
    zone = ZoneFactory(code="jincheng-etdz", name="晋城经济技术开发区", city=other_city)
    rounds = [
        ActivityFactory(city=other_city, name=f"第{n}次", held_on=datetime.date(2022, 1 + n, 20))
        for n in range(7)
    ]
    # 签约一批 130: 127 started, 1 still signed, 2 terminated before they started
    enrol(zone=zone, activity=rounds[0], kind="signed", count=127, stage=Stage.STARTED)
    enrol(zone=zone, activity=rounds[1], kind="signed", count=1, stage=Stage.SIGNED)
    enrol(
        zone=zone, activity=rounds[1], kind="signed", count=2, stage=Stage.SIGNED, terminated=True
    )
    # 开工一批 380: 217 producing
    enrol(zone=zone, activity=rounds[2], kind="started", count=217, stage=Stage.PRODUCING)
    enrol(zone=zone, activity=rounds[3], kind="started", count=163, stage=Stage.STARTED)
    # 投产一批 60, all at target
    enrol(zone=zone, activity=rounds[4], kind="producing", count=60, stage=Stage.AT_TARGET)
    return rounds


def test_jinchengs_published_rates_come_out_on_the_default_basis(api, foreign_supervisor, jincheng):
    body = api(foreign_supervisor).get(RATES, {"as_of": AS_OF}).json()

    assert body["basis"] == {"terminated_in_denominator": True, "above_scale_industry_only": False}
    assert printed(body["signed"]["start_rate"], 2) == "97.69"  # 127 / 130
    assert printed(body["started"]["production_rate"], 2) == "57.11"  # 217 / 380
    assert printed(body["producing"]["target_rate"], 2) == "100.00"
    # on Linfen's basis the two terminated projects leave the denominator: 127 / 128
    linfen_basis = (
        api(foreign_supervisor)
        .get(RATES, {"as_of": AS_OF, "terminated_in_denominator": "false"})
        .json()
    )
    assert printed(linfen_basis["signed"]["start_rate"], 2) == "99.22"
