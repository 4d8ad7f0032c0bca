"""The admin's forms refuse another zone's ids, as every role, and write nothing.

Issue 11 §1: an officer posting another zone's ids by hand into the admin's add forms created a
project in a foreign zone and added a problem, a milestone and a monthly report to a foreign
project. Each case posts foreign ids first (refused, nothing written), then the caller's own
(accepted), so a refusal is the scope's and not a malformed form's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.urls import reverse

from projects.models import Milestone, Project
from tests.admin.conftest import CAST, Caller, Place, counts, refused_fields, submit

MOVERS = {"officer", "zone_leader", "supervisor", "foreign_supervisor"}
SUPERVISORS = {"supervisor", "foreign_supervisor"}


def _project(home: Place, **fields) -> dict:
    return {
        "name": "年产10万吨新型建材项目",
        "investor": "山西新建材有限公司",
        "zone": home.zone.pk,
        "industry_chain": "新材料",
        "tier": "provincial",
        "category": "industry",
        "total_investment": "20000",
        "funds_in_place": "0",
        "signed_on": "2025-06-01",
        "leader": home.person.pk,
        "officer": "",
        **fields,
    }


def _enrolled(activity_pk: int) -> dict:
    return {
        "enrollments-TOTAL_FORMS": "1",
        "enrollments-0-activity": activity_pk,
        "enrollments-0-kind": "signed",
    }


@dataclasses.dataclass
class Case:
    """One add form and one foreign-key field of it an attacker fills with a foreign id."""

    model: str
    kind: str  # which of the caller's foreign objects goes in
    field: str  # where the refusal shows
    fields: Callable[[Place, object], dict]  # the posted form, given home and the id to post
    may_add: set[str]

    @property
    def url(self) -> str:
        app = "projects"
        return reverse(f"admin:{app}_{self.model}_add")


CASES = {
    "project-zone": Case(
        "project", "zone", "zone", lambda home, pk: _project(home, zone=pk), MOVERS
    ),
    "project-leader": Case(
        "project", "person", "leader", lambda home, pk: _project(home, leader=pk), MOVERS
    ),
    "project-officer": Case(
        "project", "person", "officer", lambda home, pk: _project(home, officer=pk), MOVERS
    ),
    "project-enrollment-inline": Case(
        "project",
        "activity",
        "enrollments-0-activity",
        lambda home, pk: {**_project(home), **_enrolled(pk)},
        MOVERS,
    ),
    "enrollment-project": Case(
        "enrollment",
        "project",
        "project",
        lambda home, pk: {"project": pk, "activity": home.activity.pk, "kind": "signed"},
        MOVERS,
    ),
    "enrollment-activity": Case(
        "enrollment",
        "activity",
        "activity",
        lambda home, pk: {"project": home.project.pk, "activity": pk, "kind": "started"},
        MOVERS,
    ),
    "milestone-project": Case(
        "milestone",
        "project",
        "project",
        lambda home, pk: {"project": pk, "name": "施工许可", "planned_on": "2025-09-01"},
        MOVERS,
    ),
    "problem-project": Case(
        "problem",
        "project",
        "project",
        lambda home, pk: {
            "project": pk,
            "category": "land",
            "coordination_level": "zone",
            "description": "用地指标未落实",
            "owner": "自然资源局",
            "raised_on": "2025-06-01",
            "deadline": "2025-08-01",
            "status": "open",
        },
        MOVERS,
    ),
    "progressreport-project": Case(
        "progressreport",
        "project",
        "project",
        lambda home, pk: {
            "project": pk,
            "month": "2025-05-01",
            "investment_completed": "300",
            "image_progress": "主体结构封顶",
        },
        MOVERS,
    ),
    "zone-city": Case(
        "zone",
        "city",
        "city",
        lambda home, pk: {
            "code": "new-zone",
            "name": "新设开发区",
            "city": pk,
            "county": "尧都区",
            "category": "industrial",
            "level": "provincial",
        },
        SUPERVISORS,
    ),
    "activity-city": Case(
        "activity",
        "city",
        "city",
        lambda home, pk: {"name": "2025年第一次", "city": pk, "held_on": "2025-03-15"},
        SUPERVISORS,
    ),
}


def _home_value(home: Place, kind: str):
    return getattr(home, kind)


@pytest.mark.parametrize("case_name", CASES)
@pytest.mark.parametrize("role", CAST)
def test_an_add_form_refuses_a_foreign_id_and_writes_nothing(client, as_role, role, case_name):
    case = CASES[case_name]
    caller: Caller = as_role(role)
    foreign = caller.foreign(case.kind)
    before = counts()

    # when the caller posts each foreign id into the form
    for obj in foreign:
        response = submit(client, case.url, case.fields(caller.home, obj.pk))

        # then it is refused: by the field for those who may add, 403 for the others
        if role in case.may_add:
            assert case.field in refused_fields(response), obj
        else:
            assert response.status_code == 403
        assert counts() == before

    # and the same form with the caller's own id is accepted (or still 403)
    own = _home_value(caller.home, case.kind).pk
    response = submit(client, case.url, case.fields(caller.home, own))
    if role in case.may_add:
        assert response.status_code == 302, refused_fields(response)
        assert counts() != before
    else:
        assert response.status_code == 403
        assert counts() == before


def test_every_role_has_something_foreign_to_post_for_every_case(as_role):
    """The cases above would prove nothing for a role with no foreign object of a kind."""
    for role in CAST:
        caller = as_role(role)
        for case in CASES.values():
            assert caller.foreign(case.kind), (role, case.kind)


@pytest.mark.parametrize("model", ["membership", "user"])
@pytest.mark.parametrize("role", CAST)
def test_people_and_memberships_are_added_by_superusers_only(client, as_role, role, model):
    caller = as_role(role)
    app = "auth" if model == "user" else "projects"
    before = counts()

    response = client.post(
        reverse(f"admin:{app}_{model}_add"),
        {
            "username": "intruder",
            "password1": "a-long-pass-9876",
            "password2": "a-long-pass-9876",
            "user": caller.away[0].person.pk,
            "role": "supervisor",
            "city": caller.home.city.pk,
        },
    )

    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", sorted(MOVERS))
def test_a_change_form_refuses_moving_a_project_to_a_foreign_zone(client, as_role, role):
    caller = as_role(role)
    project = caller.home.project
    url = reverse("admin:projects_project_change", args=[project.pk])
    fields = _project(caller.home, name=project.name, signed_on="2024-03-01")

    for zone in caller.foreign("zone"):
        response = submit(client, url, {**fields, "zone": zone.pk})

        assert "zone" in refused_fields(response)
        project.refresh_from_db()
        assert project.zone == caller.home.zone


@pytest.mark.parametrize("role", sorted(MOVERS))
def test_a_change_form_refuses_moving_a_milestone_to_a_foreign_project(client, as_role, role):
    caller = as_role(role)
    milestone = caller.home.milestone
    url = reverse("admin:projects_milestone_change", args=[milestone.pk])

    for project in caller.foreign("project"):
        response = submit(
            client, url, {"project": project.pk, "name": "土地摘牌", "planned_on": "2025-05-01"}
        )

        assert "project" in refused_fields(response)
        milestone.refresh_from_db()
        assert milestone.project == caller.home.project


@pytest.mark.parametrize("model", ["project", "milestone"])
@pytest.mark.parametrize("role", CAST)
def test_a_foreign_change_form_does_not_exist_and_posting_to_it_writes_nothing(
    client, as_role, role, model
):
    caller = as_role(role)
    for place in caller.away:
        target = getattr(place, model)
        url = reverse(f"admin:projects_{model}_change", args=[target.pk])
        # given what the page would post, with the name changed
        if model == "project":
            fields = _project(place, name="被篡改的项目", signed_on="2024-03-01")
        else:
            fields = {"project": place.project.pk, "name": "被篡改", "planned_on": "2025-05-01"}
        before = counts()

        shown = client.get(url)
        posted = submit(client, url, fields)

        # then neither shows it (the admin redirects as for an unknown id; a viewer may not
        # post at all) nor writes
        assert (shown.status_code, shown.url) == (302, reverse("admin:index"))
        if role == "viewer":
            assert posted.status_code == 403
        else:
            assert (posted.status_code, posted.url) == (302, reverse("admin:index"))
        assert target.name not in client.get(reverse("admin:index")).content.decode()
        assert counts() == before
        assert type(target).objects.get(pk=target.pk).name == target.name


@pytest.mark.parametrize("role", sorted(MOVERS))
def test_an_inline_row_naming_a_foreign_milestone_leaves_it_alone(client, as_role, role):
    # given the caller's own project's change form, with one inline row claiming to be an
    # existing milestone of a foreign project, renamed and ticked for deletion
    caller = as_role(role)
    project = caller.home.project
    url = reverse("admin:projects_project_change", args=[project.pk])
    for place in caller.away:
        fields = {
            **_project(caller.home, name=project.name, signed_on="2024-03-01"),
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "2",
            "milestones-0-id": caller.home.milestone.pk,
            "milestones-0-project": project.pk,
            "milestones-0-name": "土地摘牌",
            "milestones-0-planned_on": "2025-05-01",
            "milestones-1-id": place.milestone.pk,
            "milestones-1-project": project.pk,
            "milestones-1-name": "被篡改",
            "milestones-1-planned_on": "2025-05-01",
            "milestones-1-DELETE": "on",
        }

        # when it is posted
        submit(client, url, fields)

        # then the foreign milestone is neither renamed, moved nor deleted
        foreign = Milestone.objects.get(pk=place.milestone.pk)
        assert (foreign.name, foreign.project_id) == ("土地摘牌", place.project.pk)
        assert Project.objects.get(pk=place.project.pk).milestones.count() == 1
