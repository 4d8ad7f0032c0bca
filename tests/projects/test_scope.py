"""``restrict``: the one scope rule every list, page and export goes through."""

import datetime

import pytest

from projects.models import Activity, City, Project, Zone
from tests.factories import ActivityFactory, ProjectFactory
from workflow.models import TransitionLog


@pytest.fixture
def portfolio(zone_a, zone_b, foreign_zone):
    return {
        "a": ProjectFactory(zone=zone_a),
        "b": ProjectFactory(zone=zone_b),
        "foreign": ProjectFactory(zone=foreign_zone),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer", {"a"}),
        ("zone_leader", {"a"}),
        ("officer_b", {"b"}),
        ("supervisor", {"a", "b"}),
        ("viewer", {"a", "b"}),
        ("foreign_supervisor", {"foreign"}),
    ],
)
def test_each_role_sees_only_its_zone_or_city(request, portfolio, who, sees):
    user = request.getfixturevalue(who)

    visible = set(Project.objects.restrict(user))

    assert visible == {portfolio[key] for key in sees}


def test_a_user_without_membership_sees_nothing(portfolio, django_user_model):
    user = django_user_model.objects.create_user("nobody")

    assert not Project.objects.restrict(user).exists()
    assert not Zone.objects.restrict(user).exists()


def test_an_inactive_user_sees_nothing(portfolio, officer):
    officer.is_active = False
    officer.save()

    assert not Project.objects.restrict(officer).exists()


def test_zone_users_see_their_citys_activities_only(officer, city, other_city):
    ours = ActivityFactory(city=city)
    ActivityFactory(city=other_city)

    assert list(Activity.objects.restrict(officer)) == [ours]


@pytest.fixture
def everything(zone_a, zone_b, foreign_zone, make_project, supervisor, foreign_supervisor):
    """One of each scoped row in zone A, zone B and the foreign city, keyed by place."""
    from projects.models import Enrollment, Milestone, Problem, ProgressReport
    from workflow.services import project_transition

    rows = {}
    for key, zone in (("a", zone_a), ("b", zone_b), ("foreign", foreign_zone)):
        project = make_project(zone=zone)
        by = foreign_supervisor if key == "foreign" else supervisor
        project_transition(
            project=project, name="start", by=by, effective_on=datetime.date(2024, 5, 1)
        )
        activity = ActivityFactory(city=zone.city, name=f"2024年第{key}次")
        rows[key] = {
            Zone: zone,
            City: zone.city,
            Activity: activity,
            Project: project,
            Enrollment: Enrollment.objects.create(
                project=project, activity=activity, kind="signed"
            ),
            Milestone: Milestone.objects.create(
                project=project, name="施工许可", planned_on=datetime.date(2024, 9, 1)
            ),
            Problem: Problem.objects.create(
                project=project,
                category="land",
                description="用地指标未落实",
                owner="县自然资源局",
                raised_on=datetime.date(2024, 6, 1),
                deadline=datetime.date(2024, 7, 1),
            ),
            ProgressReport: ProgressReport.objects.create(
                project=project, month=datetime.date(2024, 6, 1), investment_completed=100
            ),
            TransitionLog: TransitionLog.objects.get(project=project),
        }
    return rows


SCOPED_MODELS = [
    "Zone",
    "City",
    "Activity",
    "Project",
    "Enrollment",
    "Milestone",
    "Problem",
    "ProgressReport",
    "TransitionLog",
]
# Which places each role reaches; a city's rows (the city, its rounds) reach every zone of it.
REACH = {
    "officer": {"a"},
    "officer_b": {"b"},
    "zone_leader": {"a"},
    "supervisor": {"a", "b"},
    "viewer": {"a", "b"},
    "foreign_supervisor": {"foreign"},
}


@pytest.mark.parametrize("model_name", SCOPED_MODELS)
@pytest.mark.parametrize("who", list(REACH))
def test_every_scoped_model_follows_the_one_rule(request, everything, who, model_name):
    # given
    model = {m.__name__: m for m in everything["a"]}[model_name]
    user = request.getfixturevalue(who)
    expected = {everything[key][model].pk for key in REACH[who]}
    if model in (City, Activity) and who in ("officer", "officer_b", "zone_leader"):
        # zones A and B share a city: the city and its rounds are seen from either zone
        expected = {everything[key][model].pk for key in ("a", "b")}
        expected &= set(model.objects.filter(pk__in=expected).values_list("pk", flat=True))

    # when
    seen = set(model.objects.restrict(user).values_list("pk", flat=True))

    # then
    assert seen == expected


def test_nobody_and_anonymous_see_no_row_of_any_model(everything, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    nobody = django_user_model.objects.create_user("nobody")
    for model in everything["a"]:
        assert not model.objects.restrict(nobody).exists(), model
        assert not model.objects.restrict(AnonymousUser()).exists(), model
