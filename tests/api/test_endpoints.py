"""The existing endpoints (projects, zones, rounds) on the shared API test base: 401, 403, 404 as
absent, 400 naming the field with nothing written, pinned list queries."""

import datetime

import pytest

from projects.models import Activity, Enrollment, Project, Stage, Zone
from tests.api.base import ListTests, ObjectTests, WriteTests
from tests.api.test_projects_api import NEW_PROJECT
from tests.factories import ActivityFactory, ProjectFactory, ZoneFactory


class TestProjectList(ListTests):
    path = "/projects/"
    # token with user and membership, count, rows with zone and leader, enrollments
    list_queries = 4

    @pytest.fixture
    def target(self, zone_a):
        return ProjectFactory(zone=zone_a).pk

    @pytest.fixture
    def make_rows(self, zone_a, city):
        round_ = ActivityFactory(city=city)

        def make(n: int) -> None:
            for _ in range(n):
                project = ProjectFactory(zone=zone_a)
                Enrollment.objects.create(project=project, activity=round_, kind="signed")

        return make


class TestProjectDetail(ObjectTests):
    path = "/projects/{id}/"

    @pytest.fixture
    def target(self, zone_a):
        return ProjectFactory(zone=zone_a).pk


class TestProjectCreate(WriteTests):
    path = "/projects/"
    model = Project
    bad_bodies = [
        ({"in_statistics_on": "0024-01-01"}, "in_statistics_on"),
        ({"total_investment": "999999999999.99"}, "total_investment"),
        ({"total_investment": "10000000.01"}, "total_investment"),
        ({"target_annual_output": "10000000.01"}, "target_annual_output"),
        ({"funds_in_place": "120000.51"}, "funds_in_place"),
        ({"zone": "jincheng-etdz"}, "zone"),
        ({"stage": "producing"}, "stage"),
        ({"signed_on": "2025-07-01"}, "signed_on"),
    ]

    @pytest.fixture
    def target(self, zone_a, foreign_zone):
        return 0

    def body(self, target) -> dict:
        return dict(NEW_PROJECT)


class TestProjectUpdate(WriteTests, ObjectTests):
    path = "/projects/{id}/"
    method = "patch"
    success = 200
    model = Project
    bad_bodies = [
        ({"in_statistics_on": "0024-01-01"}, "in_statistics_on"),
        ({"above_scale_on": "2025-07-01"}, "above_scale_on"),
        ({"actual_annual_output": "10000000.01"}, "actual_annual_output"),
        ({"funds_in_place": "52000.01"}, "funds_in_place"),
        ({"started_on": "2025-06-01"}, "started_on"),
        ({"name": "已有项目", "investor": "已有投资方"}, "name"),
    ]

    @pytest.fixture
    def target(self, zone_a):
        ProjectFactory(zone=zone_a, name="已有项目", investor="已有投资方")
        return ProjectFactory(zone=zone_a).pk

    def body(self, target) -> dict:
        return {"industry_chain": "新能源"}


class TestZoneList(ListTests):
    path = "/zones/"
    list_queries = 3

    @pytest.fixture
    def target(self, zone_a):
        return zone_a.code

    @pytest.fixture
    def make_rows(self, city):
        return lambda n: ZoneFactory.create_batch(n, city=city)

    caller = "supervisor"


class TestZoneDetail(ObjectTests):
    path = "/zones/{id}/"

    @pytest.fixture
    def target(self, zone_a):
        return zone_a.code


class TestZoneCreate(WriteTests):
    path = "/zones/"
    caller = "supervisor"
    model = Zone
    bad_bodies = [
        ({"code": "linfen-etdz"}, "code"),
        ({"city": "晋城市"}, "city"),
        ({"category": "lunar"}, "category"),
    ]

    @pytest.fixture
    def target(self, zone_a, other_city):
        return 0

    def body(self, target) -> dict:
        return {
            "code": "xiangfen-edz",
            "name": "襄汾经济开发区",
            "city": "临汾市",
            "county": "襄汾县",
            "category": "industrial",
            "level": "provincial",
        }


class TestActivityList(ListTests):
    path = "/activities/"
    list_queries = 3

    @pytest.fixture
    def target(self, city):
        return ActivityFactory(city=city).pk

    @pytest.fixture
    def make_rows(self, city):
        return lambda n: ActivityFactory.create_batch(n, city=city)


class TestActivityCreate(WriteTests):
    path = "/activities/"
    caller = "supervisor"
    model = Activity
    bad_bodies = [
        ({"held_on": "0024-03-15"}, "held_on"),
        ({"city": "晋城市"}, "city"),
        ({"name": ""}, "name"),
    ]

    @pytest.fixture
    def target(self, city, other_city):
        return 0

    def body(self, target) -> dict:
        return {"name": "2025年第二次", "city": "临汾市", "held_on": "2025-06-18"}


def test_a_live_project_entered_twice_is_400_naming_the_existing_one(api, officer, zone_a):
    existing = ProjectFactory(
        zone=zone_a, name=NEW_PROJECT["name"], investor=NEW_PROJECT["investor"]
    )

    response = api(officer, "en").post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 400
    assert f"(id {existing.pk})" in response.json()["name"][0]
    assert Project.objects.count() == 1


def test_a_terminated_project_of_the_same_name_does_not_stop_a_new_one(api, officer, make_project):
    make_project(Stage.TERMINATED, name=NEW_PROJECT["name"], investor=NEW_PROJECT["investor"])

    response = api(officer).post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 201, response.json()


def test_full_width_digits_are_read_as_ascii(api, officer, zone_a):
    body = {
        **NEW_PROJECT,
        "total_investment": "１２００００.５",
        "signed_on": "２０２５－０３－１８",
    }

    response = api(officer).post("/api/v1/projects/", body, format="json")

    assert response.status_code == 201, response.json()
    project = Project.objects.get()
    assert (str(project.total_investment), project.signed_on) == (
        "120000.50",
        datetime.date(2025, 3, 18),
    )


def test_the_money_ceiling_is_a_setting(api, officer, zone_a, settings):
    settings.MAX_MONEY_WAN = 100_000

    response = api(officer).post("/api/v1/projects/", NEW_PROJECT, format="json")

    assert response.status_code == 400
    assert "total_investment" in response.json()
