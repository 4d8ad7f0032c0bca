"""The admin's lists, list filters and pickers offer only the caller's zones, cities, rounds and
people (issue 11 §1), and every admin of the product goes through the one scope rule."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from projects.admin import ScopedAdminMixin
from tests.admin.conftest import CAST
from tests.factories import ActivityFactory

CHANGELISTS = [
    "projects_zone",
    "projects_activity",
    "projects_project",
    "projects_enrollment",
    "projects_milestone",
    "projects_problem",
    "projects_progressreport",
    "projects_membership",
    "workflow_transitionlog",
    "notifications_alert",
    "auth_user",
]


def _names_out_of_reach(caller) -> list[str]:
    names = []
    for place in caller.away:
        names += [place.zone.name, place.project.name, place.person.username]
        if place.city != caller.home.city:
            names += [place.city.name, place.activity.name]
    return names


@pytest.mark.parametrize("role", CAST)
def test_no_changelist_names_a_foreign_zone_city_round_or_person(client, as_role, role):
    caller = as_role(role)
    shown = 0
    for changelist in CHANGELISTS:
        response = client.get(reverse(f"admin:{changelist}_changelist"))
        if response.status_code == 403:
            continue
        assert response.status_code == 200, changelist
        shown += 1
        html = response.content.decode()
        for name in _names_out_of_reach(caller):
            assert name not in html, (changelist, name)
    assert shown >= 8


def test_the_project_list_filters_offer_the_supervisors_own_zones_and_rounds(
    client, as_role, zone_b
):
    # given a second round of the city, so that the round filter has something to offer
    caller = as_role("supervisor")
    home, other = caller.home, ActivityFactory(name="2024年第二次", city=caller.home.city)

    html = client.get(reverse("admin:projects_project_changelist")).content.decode()

    # then the zone and round filters list the city's own, and only those
    zones = {int(pk) for pk in re.findall(r"zone__id__exact=(\d+)", html)}
    rounds = {int(pk) for pk in re.findall(r"enrollments__activity__id__exact=(\d+)", html)}
    assert zones == {home.zone.pk, zone_b.pk}
    assert rounds == {home.activity.pk, other.pk}


def _picked(client, field: str, term: str = "") -> tuple[int, set[str]]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "project", "field_name": field, "term": term},
    )
    if response.status_code != 200:
        return response.status_code, set()
    return 200, {row["text"] for row in response.json()["results"]}


@pytest.mark.parametrize("field", ["leader", "officer"])
def test_an_officers_people_picker_offers_the_zones_people_and_the_citys(
    client, as_role, field, zone_leader, viewer, officer_b
):
    as_role("officer")

    status, people = _picked(client, field)

    assert status == 200
    assert people == {"officer_a", "leader_a", "leader-A", "supervisor", "viewer"}


def test_a_supervisors_people_picker_offers_everyone_of_the_city(
    client, as_role, officer, zone_leader, viewer, officer_b
):
    as_role("supervisor")

    status, people = _picked(client, "leader")

    assert status == 200
    assert people == {
        *("officer_a", "leader_a", "leader-A", "officer_b", "leader-B", "supervisor", "viewer")
    }


@pytest.mark.parametrize("role", ["officer", "zone_leader", "supervisor", "foreign_supervisor"])
def test_searching_the_picker_for_a_foreign_person_finds_nobody(client, as_role, role):
    caller = as_role(role)

    for place in caller.away:
        assert _picked(client, "leader", term=place.person.username) == (200, set())
    assert _picked(client, "leader", term=caller.home.person.username) == (
        200,
        {caller.home.person.username},
    )


def test_a_viewer_gets_no_picker(client, as_role):
    as_role("viewer")

    assert _picked(client, "leader")[0] == 403


@pytest.mark.parametrize("role", ["officer", "supervisor", "foreign_supervisor"])
def test_the_zone_and_round_pickers_offer_the_callers_own(client, as_role, role):
    caller = as_role(role)

    zones = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "project", "field_name": "zone"},
    ).json()["results"]
    rounds = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "enrollment", "field_name": "activity"},
    ).json()["results"]

    assert caller.home.zone.name in {row["text"] for row in zones}
    assert not {row["text"] for row in zones} & {p.zone.name for p in caller.away}
    assert {row["id"] for row in rounds} == {str(caller.home.activity.pk)}


def test_someone_who_may_pick_people_sees_of_them_no_more_than_name_and_address(client, as_role):
    caller = as_role("officer")

    response = client.get(reverse("admin:auth_user_change", args=[caller.home.person.pk]))

    assert response.status_code == 200
    adminform = response.context["adminform"]
    shown = {field for _, options in adminform.fieldsets for field in options["fields"]}
    assert shown == {"username", "first_name", "last_name", "email"}
    assert client.get(reverse("admin:auth_user_change", args=[caller.away[0].person.pk])).url == (
        reverse("admin:index")
    )


def test_every_admin_and_inline_of_the_product_is_scoped():
    """A new admin or inline that forgets the mixin would show and accept every zone's rows."""
    product = {"projects", "workflow", "notifications", "reports"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in product and model is not User:
            continue
        assert isinstance(model_admin, ScopedAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedAdminMixin), (model, inline)
