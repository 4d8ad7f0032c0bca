"""Projects, zones, activities and enrollments over the API."""

import pytest

from projects.filtersets import ProjectFilterSet
from projects.models import Enrollment, Project, Stage
from tests.factories import ActivityFactory, ProjectFactory

NEW_PROJECT = {
    "name": "年产5万吨高端铸件项目",
    "investor": "山西华翔集团股份有限公司",
    "zone": "linfen-etdz",
    "industry_chain": "装备制造",
    "tier": "provincial",
    "category": "industry",
    "total_investment": "120000.50",
    "funds_in_place": "30000.00",
    "signed_on": "2025-03-18",
    "planned_start_on": "2025-08-01",
    "planned_production_on": "2026-06-30",
}


def test_an_officer_records_a_new_project_which_starts_signed(api, officer, zone_a):
    response = api(officer).post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "signed"
    assert body["version"] == 1
    assert body["total_investment"] == "120000.50"
    assert Project.objects.get(pk=body["id"]).zone == zone_a


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": "2025-07-01"}, "signed_on"),
        ({"total_investment": "-5"}, "total_investment"),
        ({"total_investment": "12.345"}, "total_investment"),
        ({"funds_in_place": "999999.00"}, "funds_in_place"),
        ({"planned_production_on": "2025-07-01"}, "planned_production_on"),
        ({"zone": "jincheng-etdz"}, "zone"),
        ({"tier": "galactic"}, "tier"),
        ({"stage": "producing"}, "stage"),
    ],
)
def test_a_bad_new_project_is_400_and_nothing_is_written(
    api, officer, zone_a, foreign_zone, change, field
):
    response = api(officer).post("/api/v1/projects/", {**NEW_PROJECT, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "field",
    [
        "stage",
        "started_on",
        "producing_on",
        "at_target_on",
        "version",
        "terminated_on",
        "termination_reason",
    ],
)
def test_patch_naming_a_stage_field_is_400(api, officer, make_project, field):
    project = make_project(Stage.SIGNED)

    response = api(officer).patch(
        f"/api/v1/projects/{project.pk}/", {field: "2025-06-01", "name": "改名"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    project.refresh_from_db()
    assert project.name != "改名"


def test_patch_changes_ordinary_fields(api, officer, make_project):
    project = make_project(Stage.STARTED)

    response = api(officer).patch(
        f"/api/v1/projects/{project.pk}/",
        {"funds_in_place": "20000.00", "in_statistics_on": "2025-06-15"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert str(project.funds_in_place) == "20000.00"
    assert project.stage == Stage.STARTED
    assert project.version == 2


def test_a_leader_from_another_city_is_refused(api, officer, make_project, foreign_supervisor):
    project = make_project(Stage.SIGNED)

    response = api(officer).patch(
        f"/api/v1/projects/{project.pk}/", {"leader": foreign_supervisor.username}, format="json"
    )

    assert response.status_code == 400
    assert "leader" in response.json()


def test_the_list_filters_by_stage_zone_and_text(api, supervisor, make_project, zone_b):
    started = make_project(Stage.STARTED, name="光伏组件智能制造项目")
    make_project(Stage.SIGNED)
    ProjectFactory(zone=zone_b, name="光伏支架项目")

    client = api(supervisor)
    by_stage = client.get("/api/v1/projects/", {"stage": "started"}).json()
    by_zone = client.get("/api/v1/projects/", {"zone": zone_b.code}).json()
    by_text = client.get("/api/v1/projects/", {"q": "光伏", "zone": "linfen-etdz"}).json()

    assert [p["id"] for p in by_stage["results"]] == [started.pk]
    assert by_zone["count"] == 1
    assert [p["id"] for p in by_text["results"]] == [started.pk]


def test_the_list_filters_stalled_projects(api, supervisor, make_project):
    stalled = make_project(Stage.SIGNED, signed_on="2024-01-02")
    make_project(Stage.SIGNED, signed_on="2025-06-01")

    response = api(supervisor).get("/api/v1/projects/", {"stalled": "true"})

    assert [p["id"] for p in response.json()["results"]] == [stalled.pk]


def test_the_list_is_paginated_with_page_size(api, supervisor, make_project):
    for _ in range(3):
        make_project(Stage.SIGNED)

    body = api(supervisor).get("/api/v1/projects/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


@pytest.mark.parametrize("ordering", ["-total_investment", "total_investment", "name"])
def test_projects_that_tie_in_the_ordering_appear_once_across_the_pages(
    api, supervisor, make_project, ordering
):
    made = {make_project(Stage.SIGNED, name="同名项目").pk for _ in range(7)}

    seen, url = [], "/api/v1/projects/"
    params = {"ordering": ordering, "page_size": 2}
    while url:
        body = api(supervisor).get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None

    assert sorted(seen) == sorted(made)
    # (SQLite happens to keep ties in one order; PostgreSQL's top-N sort need not)
    ordered = ProjectFilterSet({"ordering": ordering}, queryset=Project.objects.all()).qs
    assert ordered.query.order_by == (ordering, "id")


def test_the_list_shows_each_project_exactly_as_its_detail_does(
    api, supervisor, officer, make_project, city
):
    # given a project with a leader, two enrollments and empty dates, and one with neither
    full = make_project(Stage.STARTED, leader=officer, land_area=None)
    Enrollment.objects.create(project=full, activity=ActivityFactory(city=city), kind="signed")
    Enrollment.objects.create(project=full, activity=ActivityFactory(city=city), kind="started")
    bare = make_project(Stage.SIGNED, leader=None)
    client = api(supervisor)

    # when
    listed = client.get("/api/v1/projects/").json()["results"]

    # then
    details = [client.get(f"/api/v1/projects/{row['id']}/").json() for row in listed]
    assert {row["id"] for row in listed} == {full.pk, bare.pk}
    assert listed == details
    assert [list(row) for row in listed] == [list(detail) for detail in details]


def test_the_project_list_runs_a_fixed_number_of_queries(
    api, supervisor, make_project, django_assert_num_queries
):
    for _ in range(20):
        make_project(Stage.STARTED)
    client = api(supervisor)

    # the token with its user, the count, the page with zones and leaders, their enrollments
    with django_assert_num_queries(4):
        response = client.get("/api/v1/projects/")

    assert response.json()["count"] == 20


class TestEnrollments:
    def test_a_project_is_enrolled_once_per_batch(self, api, officer, make_project, city):
        project = make_project(Stage.SIGNED)
        first, second = ActivityFactory(city=city), ActivityFactory(city=city)
        client = api(officer)

        created = client.post(
            f"/api/v1/projects/{project.pk}/enrollments/",
            {"activity": first.pk, "kind": "signed"},
            format="json",
        )
        again = client.post(
            f"/api/v1/projects/{project.pk}/enrollments/",
            {"activity": second.pk, "kind": "signed"},
            format="json",
        )

        assert created.status_code == 201
        assert again.status_code == 400
        assert again.json()["code"] == "invalid"
        assert "kind" in again.json()
        assert Enrollment.objects.filter(project=project).count() == 1

    def test_another_citys_activity_is_refused(self, api, officer, make_project, other_city):
        project = make_project(Stage.SIGNED)
        foreign = ActivityFactory(city=other_city)

        response = api(officer).post(
            f"/api/v1/projects/{project.pk}/enrollments/",
            {"activity": foreign.pk, "kind": "signed"},
            format="json",
        )

        assert response.status_code == 400
        assert "activity" in response.json()
        assert not Enrollment.objects.exists()


def test_a_supervisor_adds_a_zone_to_their_city(api, supervisor, city):
    response = api(supervisor).post(
        "/api/v1/zones/",
        {
            "code": "quwo-etdz",
            "name": "曲沃经济技术开发区",
            "city": city.name,
            "category": "industrial",
            "level": "provincial",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert api(supervisor).get("/api/v1/zones/quwo-etdz/").json()["city"] == "临汾市"


def test_a_supervisor_adds_a_round(api, supervisor, city):
    response = api(supervisor).post(
        "/api/v1/activities/",
        {"name": "2025年第二次", "city": city.name, "held_on": "2025-06-20"},
        format="json",
    )

    assert response.status_code == 201
    assert set(response.json()) == {"id", "name", "city", "held_on"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"zone": "linfen\x00etdz"}, "zone"),
        ({"signed_on": "0024-03-18"}, "signed_on"),
        ({"planned_start_on": "1999-12-31"}, "planned_start_on"),
    ],
)
def test_input_no_row_could_hold_is_400_not_a_crash(api, officer, zone_a, change, field):
    response = api(officer).post("/api/v1/projects/", {**NEW_PROJECT, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_field_named_code_does_not_hide_the_error_code(api, supervisor, zone_a, city):
    response = api(supervisor).post(
        "/api/v1/zones/",
        {
            "code": zone_a.code,
            "name": "另一个开发区",
            "city": city.name,
            "category": "industrial",
            "level": "provincial",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "code" in response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/projects/abc/", "/api/v1/zones/a%00b/"])
def test_an_id_that_cannot_exist_is_404(api, supervisor, path):
    assert api(supervisor).get(path).status_code == 404
