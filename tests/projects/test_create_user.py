import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from projects.access import Role
from projects.models import City


def _run(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_creates_an_officer_of_a_zone_and_prints_the_token_last(zone_a):
    lines = _run("wang", "--role", "officer", "--zone", zone_a.code, "--password", "s3cret-pass")

    token = Token.objects.get(user__username="wang")
    assert lines[-1] == token.key
    assert token.user.membership.role == Role.OFFICER
    assert token.user.membership.zone == zone_a
    assert token.user.check_password("s3cret-pass")


def test_a_new_city_is_created_for_a_supervisor(db):
    lines = _run("li", "--role", "supervisor", "--city", "运城市")

    assert City.objects.filter(name="运城市").exists()
    assert lines[-1] == Token.objects.get(user__username="li").key


def test_running_it_again_keeps_the_token_and_updates_the_role(zone_a):
    first = _run("zhao", "--role", "officer", "--zone", zone_a.code)[-1]

    second = _run("zhao", "--role", "zone_leader", "--zone", zone_a.code)[-1]

    assert first == second
    assert Token.objects.get(key=first).user.membership.role == Role.ZONE_LEADER


def test_an_unknown_zone_is_refused(db):
    with pytest.raises(CommandError, match="No zone"):
        _run("sun", "--role", "officer", "--zone", "nowhere")


def test_an_officer_cannot_belong_to_a_city(city):
    with pytest.raises(CommandError):
        _run("qian", "--role", "officer", "--city", city.name)

    assert not Token.objects.filter(user__username="qian").exists()


def test_an_unknown_role_is_refused(zone_a):
    with pytest.raises(CommandError):
        _run("zhou", "--role", "mayor", "--zone", zone_a.code)


def test_a_user_it_makes_signs_in_to_the_admin_and_sees_the_zones_projects(
    client, zone_a, zone_b, make_project
):
    # given a project in the officer's zone and one in another zone of the city
    own = make_project(name="年产5万吨高端铸件项目")
    make_project(zone=zone_b, name="侯马的项目")
    _run("wang", "--role", "officer", "--zone", zone_a.code, "--password", "s3cret-pass")

    # when wang signs in through the admin's login form
    response = client.post("/admin/login/", {"username": "wang", "password": "s3cret-pass"})

    # then the login works and the project list shows the zone's project, and only it
    assert response.status_code == 302
    projects = client.get("/admin/projects/project/")
    assert projects.status_code == 200
    assert own.name in projects.content.decode()
    assert "侯马的项目" not in projects.content.decode()


@pytest.mark.parametrize("weak", ["123", "password", "12345678901"])
def test_a_weak_password_is_refused_and_nothing_is_written(zone_a, weak):
    with pytest.raises(CommandError, match="密码") as refused:
        _run("wang", "--role", "officer", "--zone", zone_a.code, "--password", weak)

    assert refused.value.returncode != 0
    assert not get_user_model().objects.filter(username="wang").exists()
