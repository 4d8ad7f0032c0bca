"""A project's enrollments, milestones, problems and monthly progress over the API, each
endpoint with the shared cases of ``tests.api.base`` (401, 403, 404 as absent, 400 naming the
field with nothing written, pinned list queries)."""

import datetime
from decimal import Decimal

import pytest

from projects.models import Enrollment, Milestone, Problem, ProgressReport, Stage
from tests.api.base import V1, ListTests, ObjectTests, WriteTests, call
from tests.factories import ActivityFactory


@pytest.fixture
def project(make_project):
    return make_project(Stage.STARTED)


@pytest.fixture
def activity(city):
    return ActivityFactory(city=city, name="2025年第一次", held_on=datetime.date(2025, 3, 15))


def a_milestone(project, n: int = 0, **fields) -> Milestone:
    fields = {"name": f"施工许可{n}", "planned_on": datetime.date(2025, 3, 1), **fields}
    return Milestone.objects.create(project=project, **fields)


def a_problem(project, n: int = 0, **fields) -> Problem:
    fields = {
        "category": "land",
        "description": f"用地指标未落实{n}",
        "owner": "县自然资源局",
        "raised_on": datetime.date(2025, 4, 1),
        "deadline": datetime.date(2025, 6, 1),
        **fields,
    }
    return Problem.objects.create(project=project, **fields)


def a_report(project, month: datetime.date, **fields) -> ProgressReport:
    fields = {"investment_completed": Decimal("500.00"), "image_progress": "主体封顶", **fields}
    return ProgressReport.objects.create(project=project, month=month, **fields)


# --- enrollments --------------------------------------------------------------------------------


class TestEnrollmentList(ListTests, ObjectTests):
    path = "/projects/{id}/enrollments/"
    list_queries = 4
    more_rows = 2  # a project is in at most three batches

    @pytest.fixture
    def target(self, make_project, activity):
        self.project = make_project(Stage.PRODUCING)
        Enrollment.objects.create(project=self.project, activity=activity, kind="signed")
        return self.project.pk

    @pytest.fixture
    def make_rows(self, activity):
        def make(n: int) -> None:
            for kind in ("started", "producing")[:n]:
                Enrollment.objects.create(project=self.project, activity=activity, kind=kind)

        return make


class TestEnrollmentCreate(WriteTests, ObjectTests):
    path = "/projects/{id}/enrollments/"
    model = Enrollment
    bad_bodies = [
        ({"kind": "producing"}, "kind"),
        ({"kind": "galactic"}, "kind"),
        ({"activity": 987654}, "activity"),
        ({"activity": None}, "activity"),
    ]

    @pytest.fixture
    def target(self, project, activity):
        self.activity = activity
        return project.pk

    def body(self, target) -> dict:
        return {"activity": self.activity.pk, "kind": "started"}


def test_a_project_shows_its_enrollments(api, officer, project, activity):
    Enrollment.objects.create(project=project, activity=activity, kind="started")

    body = api(officer).get(f"{V1}/projects/{project.pk}/").json()

    assert body["enrollments"] == [
        {"id": project.enrollments.get().pk, "activity": activity.pk, "kind": "started"}
    ]


def test_a_second_enrollment_in_the_same_batch_is_400_naming_the_batch(
    api, officer, project, activity
):
    Enrollment.objects.create(project=project, activity=activity, kind="started")

    response = api(officer, "en").post(
        f"{V1}/projects/{project.pk}/enrollments/",
        {"activity": activity.pk, "kind": "started"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["kind"] == ["The project is already enrolled in this batch."]


@pytest.mark.parametrize(
    ("stage", "kind", "status"),
    [
        (Stage.SIGNED, "signed", 201),
        (Stage.SIGNED, "started", 400),
        (Stage.SIGNED, "producing", 400),
        (Stage.STARTED, "started", 201),
        (Stage.STARTED, "producing", 400),
        (Stage.PRODUCING, "producing", 201),
        (Stage.AT_TARGET, "producing", 201),
        (Stage.TERMINATED, "started", 400),
    ],
)
def test_a_project_is_enrolled_only_in_a_batch_it_has_reached(
    api, officer, make_project, activity, stage, kind, status
):
    project = make_project(stage)

    response = api(officer).post(
        f"{V1}/projects/{project.pk}/enrollments/",
        {"activity": activity.pk, "kind": kind},
        format="json",
    )

    assert response.status_code == status, response.json()
    assert project.enrollments.count() == (status == 201)


# --- milestones ---------------------------------------------------------------------------------


class TestMilestoneList(ListTests, ObjectTests):
    path = "/projects/{id}/milestones/"
    list_queries = 4

    @pytest.fixture
    def target(self, project):
        a_milestone(project)
        return project.pk

    @pytest.fixture
    def make_rows(self, project):
        return lambda n: [a_milestone(project, 100 + i) for i in range(n)]


class TestMilestoneCreate(WriteTests, ObjectTests):
    path = "/projects/{id}/milestones/"
    model = Milestone
    bad_bodies = [
        ({"name": ""}, "name"),
        ({"planned_on": "0024-01-01"}, "planned_on"),
        ({"planned_on": "2025-02-30"}, "planned_on"),
        ({"done_on": "2025-07-01"}, "done_on"),
        ({"name": "施工许可0"}, "name"),
    ]

    @pytest.fixture
    def target(self, project):
        a_milestone(project)
        return project.pk

    def body(self, target) -> dict:
        return {"name": "环评批复", "planned_on": "2025-08-01", "note": "市生态环境局"}


class TestMilestoneUpdate(WriteTests, ObjectTests):
    path = "/milestones/{id}/"
    method = "patch"
    success = 200
    model = Milestone
    bad_bodies = [
        ({"done_on": "2025-07-01"}, "done_on"),
        ({"done_on": "1999-12-31"}, "done_on"),
        ({"planned_on": None}, "planned_on"),
        ({"name": "竣工"}, "name"),
    ]

    @pytest.fixture
    def target(self, project):
        a_milestone(project, name="竣工")
        return a_milestone(project).pk

    def body(self, target) -> dict:
        return {"done_on": "2025-06-28"}


def test_an_officer_marks_a_milestone_done(api, officer, project):
    milestone = a_milestone(project)

    response = api(officer).patch(
        f"{V1}/milestones/{milestone.pk}/", {"done_on": "２０２５－０６－２８"}, format="json"
    )

    assert response.status_code == 200, response.json()
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2025, 6, 28)
    assert response.json()["done_on"] == "2025-06-28"


# --- problems -----------------------------------------------------------------------------------

NEW_PROBLEM = {
    "category": "utilities",
    "coordination_level": "county",
    "description": "35千伏专线未接入",
    "owner": "国网临汾供电公司",
    "raised_on": "2025-06-01",
    "deadline": "2025-07-15",
}


class TestProjectProblemList(ListTests, ObjectTests):
    path = "/projects/{id}/problems/"
    list_queries = 4

    @pytest.fixture
    def target(self, project):
        a_problem(project)
        return project.pk

    @pytest.fixture
    def make_rows(self, project):
        return lambda n: [a_problem(project, i) for i in range(n)]


class TestProblemCreate(WriteTests, ObjectTests):
    path = "/projects/{id}/problems/"
    model = Problem
    bad_bodies = [
        ({"raised_on": "2025-07-01", "deadline": "2025-08-01"}, "raised_on"),
        ({"raised_on": "0024-01-01"}, "raised_on"),
        ({"deadline": "2025-05-01"}, "deadline"),
        ({"category": "weather"}, "category"),
        ({"description": ""}, "description"),
        ({"status": "resolved"}, "status"),
        ({"resolved_on": "2025-06-02"}, "resolved_on"),
    ]

    @pytest.fixture
    def target(self, project):
        return project.pk

    def body(self, target) -> dict:
        return dict(NEW_PROBLEM)


def test_a_new_problem_is_open(api, officer, project):
    response = api(officer).post(
        f"{V1}/projects/{project.pk}/problems/", NEW_PROBLEM, format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "open"
    assert response.json()["resolved_on"] is None


class TestProblemUpdate(WriteTests, ObjectTests):
    path = "/problems/{id}/"
    method = "patch"
    success = 200
    model = Problem
    bad_bodies = [
        ({"deadline": "2025-03-01"}, "deadline"),
        ({"status": "resolved"}, "status"),
        ({"resolution": "已解决"}, "resolution"),
        ({"raised_on": "2025-12-01"}, "raised_on"),
    ]

    @pytest.fixture
    def target(self, project):
        return a_problem(project).pk

    def body(self, target) -> dict:
        return {"deadline": "2025-08-01"}


class TestProblemResolve(WriteTests, ObjectTests):
    path = "/problems/{id}/resolve/"
    success = 200
    model = Problem
    bad_bodies = [
        ({"resolved_on": "2025-07-01"}, "resolved_on"),
        ({"resolved_on": "2025-03-01"}, "resolved_on"),
        ({"resolved_on": "0024-01-01"}, "resolved_on"),
        ({"resolution": ""}, "resolution"),
        ({"resolution": "   "}, "resolution"),
    ]

    @pytest.fixture
    def target(self, project):
        return a_problem(project).pk

    def body(self, target) -> dict:
        return {"resolved_on": "2025-06-20", "resolution": "县自然资源局已批复用地指标"}


def test_resolving_a_problem_closes_it_and_a_second_resolve_is_400(api, officer, project):
    problem = a_problem(project)
    url = f"{V1}/problems/{problem.pk}/resolve/"
    body = {"resolved_on": "2025-06-20", "resolution": "已协调解决"}

    first = api(officer).post(url, body, format="json")
    second = api(officer, "en").post(url, body, format="json")

    assert first.status_code == 200
    assert (first.json()["status"], first.json()["resolved_on"]) == ("resolved", "2025-06-20")
    assert second.status_code == 400
    assert second.json()["status"] == ["The problem is already resolved."]


class TestProblemList(ListTests):
    path = "/problems/"
    list_queries = 3

    @pytest.fixture
    def target(self, project):
        return a_problem(project).pk

    @pytest.fixture
    def make_rows(self, project):
        return lambda n: [a_problem(project, 100 + i) for i in range(n)]


def test_problems_across_the_scope_filter_by_status_overdue_zone_and_city(
    api, supervisor, officer_b, make_project, zone_b, foreign_zone
):
    # given problems in zones A and B and another city
    in_a = make_project(Stage.STARTED)
    in_b = make_project(Stage.STARTED, zone=zone_b)
    abroad = make_project(Stage.SIGNED, zone=foreign_zone)
    overdue = a_problem(in_a, 1, deadline=datetime.date(2025, 6, 29))
    due_later = a_problem(in_a, 2, deadline=datetime.date(2025, 7, 30))
    resolved = a_problem(
        in_b, 3, status="resolved", resolved_on=datetime.date(2025, 5, 1), resolution="已解决"
    )
    a_problem(abroad, 4, deadline=datetime.date(2025, 6, 1))

    def ids(client, query: str = "") -> set[int]:
        response = client.get(f"{V1}/problems/{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    # when the city's supervisor and zone B's officer ask, then each sees their own only
    city = api(supervisor)
    assert ids(city) == {overdue.pk, due_later.pk, resolved.pk}
    assert ids(city, "?status=open") == {overdue.pk, due_later.pk}
    assert ids(city, "?status=resolved") == {resolved.pk}
    assert ids(city, "?overdue=true") == {overdue.pk}
    assert ids(city, "?overdue=false") == {due_later.pk, resolved.pk}
    assert ids(city, "?zone=houma-edz") == {resolved.pk}
    assert ids(city, "?city=临汾市") == {overdue.pk, due_later.pk, resolved.pk}
    assert ids(city, "?zone=jincheng-etdz") == ids(city, "?zone=no-such-zone") == set()
    assert ids(api(officer_b)) == {resolved.pk}


# --- monthly progress ---------------------------------------------------------------------------


class TestProgressList(ListTests, ObjectTests):
    path = "/projects/{id}/progress/"
    list_queries = 4

    @pytest.fixture
    def target(self, project):
        a_report(project, datetime.date(2025, 6, 1))
        return project.pk

    @pytest.fixture
    def make_rows(self, project):
        return lambda n: [a_report(project, datetime.date(2024, 1 + i, 1)) for i in range(n)]


class TestProgressCreate(WriteTests, ObjectTests):
    path = "/projects/{id}/progress/"
    model = ProgressReport
    bad_bodies = [
        ({"month": "2025-07"}, "month"),
        ({"month": "2025-13"}, "month"),
        ({"month": "2025-05-01"}, "month"),
        ({"month": "1999-12"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"month": "2025-04"}, "month"),
        ({"investment_completed": "-1"}, "investment_completed"),
        ({"investment_completed": "10000000.01"}, "investment_completed"),
    ]

    @pytest.fixture
    def target(self, project):
        a_report(project, datetime.date(2025, 4, 1))
        return project.pk

    def body(self, target) -> dict:
        return {"month": "2025-06", "investment_completed": "1200.50", "image_progress": "厂房封顶"}


def test_progress_is_given_and_shown_by_month(api, officer, project):
    response = api(officer).post(
        f"{V1}/projects/{project.pk}/progress/",
        {"month": "２０２５－０５", "investment_completed": "１２００.５"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2025-05"
    assert response.json()["investment_completed"] == "1200.50"
    assert ProgressReport.objects.get().month == datetime.date(2025, 5, 1)


def test_an_unknown_project_is_404_for_every_nested_list(api, officer):
    for kind in ("enrollments", "milestones", "problems", "progress"):
        response = call(api(officer), "get", f"{V1}/projects/987654/{kind}/")
        assert response.status_code == 404
