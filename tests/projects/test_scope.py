"""``visible_to``: the one scope rule every list, page and export goes through."""

import pytest

from projects.models import Activity, Project, Zone
from tests.factories import ActivityFactory, ProjectFactory


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

    visible = set(Project.objects.visible_to(user))

    assert visible == {portfolio[key] for key in sees}


def test_a_user_without_membership_sees_nothing(portfolio, django_user_model):
    user = django_user_model.objects.create_user("nobody")

    assert not Project.objects.visible_to(user).exists()
    assert not Zone.objects.visible_to(user).exists()


def test_an_inactive_user_sees_nothing(portfolio, officer):
    officer.is_active = False
    officer.save()

    assert not Project.objects.visible_to(officer).exists()


def test_zone_users_see_their_citys_activities_only(officer, city, other_city):
    ours = ActivityFactory(city=city)
    ActivityFactory(city=other_city)

    assert list(Activity.objects.visible_to(officer)) == [ours]
