"""The dashboard: the three rates per round and per zone are the API's to the last digit, every
figure links to the list behind it, it is scoped, and it takes a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from projects.filtersets import filter_projects
from projects.models import Enrollment, Milestone, Problem, Stage
from reports.dashboard import percent
from tests.factories import ActivityFactory, ZoneFactory
from tests.reports import test_three_rates

pytestmark = pytest.mark.django_db
# The three rates tests' campaign, counted by hand there.
round_2024 = test_three_rates.round_2024
cohort = test_three_rates.cohort
RATES = "/api/v1/reports/three-rates/"
RANKED = ("start_rate", "production_rate", "target_rate")
BATCH = {"start_rate": "signed", "production_rate": "started", "target_rate": "producing"}


@pytest.fixture
def round_2025(city, make_project, zone_b):
    """A second round: two signed in zone A (one started), one producing in zone B."""
    later = ActivityFactory(city=city, name="2025年第一次", held_on=datetime.date(2025, 3, 10))
    for project, kind in (
        (make_project(Stage.STARTED), "signed"),
        (make_project(Stage.SIGNED), "signed"),
        (make_project(Stage.AT_TARGET, zone=zone_b), "producing"),
    ):
        Enrollment.objects.create(project=project, activity=later, kind=kind)
    return later


def _figures(html: str, key: str) -> dict[str, tuple[str, str, str]]:
    """{rate: (data-rate, the percent shown, the count link's address)} of one row."""
    figures = {}
    for rate in RANKED:
        shown = re.search(
            rf'<a href="([^"]*)" data-testid="{key}-{rate}" data-rate="([^"]*)">([^<]*)</a>', html
        )
        assert shown, (key, rate)
        figures[rate] = (shown.group(2), shown.group(3), shown.group(1).replace("&amp;", "&"))
    return figures


def _same(figure: tuple[str, str, str], api_value) -> None:
    data_rate, shown, _url = figure
    if api_value is None:
        assert (data_rate, shown) == ("", "—")
        return
    assert Decimal(data_rate) == Decimal(repr(api_value))
    assert Decimal(shown.rstrip("%")).scaleb(-2) == Decimal(repr(api_value))


def test_every_rate_on_the_dashboard_is_the_apis_to_the_last_digit(
    client, api, supervisor, cohort, round_2024, round_2025
):
    # given a city's campaign of two rounds in two zones
    client.force_login(supervisor)
    rest = api(supervisor)

    # when the supervisor opens the dashboard
    html = client.get(reverse("reports:dashboard")).content.decode()

    # then the whole campaign, each zone and each round show the API's own figures
    total = rest.get(RATES).json()
    for rate, figure in _figures(html, "total").items():
        _same(figure, total[BATCH[rate]][rate])
    for zone in rest.get(RATES, {"by": "zone"}).json()["zones"]:
        for rate, figure in _figures(html, f"zone-{zone['zone']}").items():
            _same(figure, zone[BATCH[rate]][rate])
    for round_ in (round_2024, round_2025):
        answer = rest.get(RATES, {"activity": round_.pk}).json()
        for rate, figure in _figures(html, f"round-{round_.pk}").items():
            _same(figure, answer[BATCH[rate]][rate])
    for rate in RANKED:
        assert f'data-testid="target-{rate}">{percent(total["targets"][rate])}<' in html


def test_every_count_links_to_the_list_of_exactly_those_projects(
    client, supervisor, cohort, round_2024, round_2025
):
    # given a project in round 2024's signed batch and round 2025's started batch
    client.force_login(supervisor)
    html = client.get(reverse("reports:dashboard")).content.decode()

    for key in ("total", "zone-linfen-etdz", f"round-{round_2024.pk}", f"round-{round_2025.pk}"):
        for rate, (_rate, _shown, url) in _figures(html, key).items():
            count = re.search(rf'data-testid="{key}-{rate}-count">(\d+)', html).group(1)
            # when the list behind the figure is opened
            path, _, query = url.partition("?")
            assert path == reverse("projects:list")
            _filterset, projects = filter_projects(QueryDict(query), user=supervisor)
            # then it lists exactly the batch the figure counts
            assert projects.count() == int(count), (key, rate, url)


def test_the_funnel_stalls_and_overdue_lists_link_to_what_they_count(
    client, supervisor, make_project
):
    # given a stalled signed project with an overdue milestone and an overdue problem
    project = make_project(Stage.SIGNED, name="久签未开项目", signed_on=datetime.date(2024, 1, 1))
    Milestone.objects.create(project=project, name="土地摘牌", planned_on=datetime.date(2025, 1, 1))
    Problem.objects.create(
        project=project,
        category="land",
        description="用地",
        owner="自然资源局",
        raised_on=datetime.date(2025, 1, 1),
        deadline=datetime.date(2025, 3, 1),
    )
    client.force_login(supervisor)

    html = client.get(reverse("reports:dashboard")).content.decode()

    assert 'href="/projects/?stage=signed" data-testid="stage-signed">' in html
    assert 'href="/stalls/?zone=linfen-etdz&amp;kind=signed_not_started">1</a>' in html
    assert 'data-testid="count-milestones">1<' in html
    assert 'data-testid="count-problems">1<' in html
    assert html.count(f'href="/projects/{project.pk}/"') == 2


def test_this_weeks_stage_changes_are_listed(client, supervisor, make_project):
    # given a start effective this Monday (2025-06-30 is a Monday) and one the week before
    project = make_project(Stage.SIGNED, name="本周开工项目")
    older = make_project(Stage.STARTED, name="早已开工项目")
    from workflow.services import project_transition

    project_transition(
        project=project, name="start", by=supervisor, effective_on=datetime.date(2025, 6, 30)
    )
    client.force_login(supervisor)

    html = client.get(reverse("reports:dashboard")).content.decode()

    assert 'data-testid="count-changes">1<' in html
    assert "本周开工项目" in html and older.name not in html


def test_a_zone_officer_sees_only_their_zone_and_another_city_sees_nothing_of_it(
    client, officer_b, foreign_supervisor, cohort, round_2024
):
    client.force_login(officer_b)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="zone-linfen-etdz-start_rate"' not in html
    assert re.search(r'data-testid="zone-[^"]+-start_rate"', html)

    client.force_login(foreign_supervisor)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert round_2024.name not in html
    assert "linfen-etdz" not in html


def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, supervisor, city, make_project, django_assert_num_queries
):
    # session, user, membership; the whole campaign (basis, rollup marks, aggregate, targets), by
    # zone (basis, rollup marks, aggregate, zones, targets), by round (basis, rollup marks,
    # aggregate, rounds); the funnel, the threshold rows, the stalls, three counts, the top bar's
    # city and unread alerts, three lists: 27, however large the campaign
    def queries() -> int:
        client.force_login(supervisor)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reports:dashboard")).status_code == 200
        return len(captured)

    few = queries()
    assert few == 27
    # when the campaign grows by rounds, zones, projects, milestones and problems
    for number in range(3):
        zone = ZoneFactory(city=city)
        held = ActivityFactory(city=city, held_on=datetime.date(2024, 1 + number, 1))
        for stage in (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING):
            project = make_project(stage, zone=zone)
            Enrollment.objects.create(project=project, activity=held, kind="signed")
            Milestone.objects.create(
                project=project, name="节点", planned_on=datetime.date(2025, 1, 1)
            )
    # then the dashboard asks the same number of questions
    assert queries() == few
    with django_assert_num_queries(few):
        client.get(reverse("reports:dashboard"))


def test_a_round_and_a_batch_together_name_one_enrollment(
    api, supervisor, make_project, round_2024, round_2025
):
    # given a project signed in round 2024 and presented again in round 2025 as started
    project = make_project(Stage.STARTED, name="两轮项目")
    Enrollment.objects.create(project=project, activity=round_2024, kind="signed")
    Enrollment.objects.create(project=project, activity=round_2025, kind="started")

    # when the list asks for round 2025's signed batch, then for its started batch
    signed = api(supervisor).get("/api/v1/projects/", {"activity": round_2025.pk, "kind": "signed"})
    started = api(supervisor).get(
        "/api/v1/projects/", {"activity": round_2025.pk, "kind": "started"}
    )

    # then it is in the second only
    assert "两轮项目" not in {row["name"] for row in signed.json()["results"]}
    assert [row["name"] for row in started.json()["results"]] == ["两轮项目"]
