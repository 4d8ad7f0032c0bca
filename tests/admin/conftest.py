"""Three places, each with its zone, round, person, project and ledger rows, and for each role of
the cast the places it may not reach: what an attacker would post into the admin's forms."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from django.contrib.auth.models import User

from notifications.models import Alert
from projects.access import Role
from projects.models import (
    Activity,
    City,
    Enrollment,
    Membership,
    Milestone,
    Problem,
    ProgressReport,
    Project,
    Zone,
)
from tests.factories import ActivityFactory, ProjectFactory, member
from workflow.models import TransitionLog
from workflow.services import project_transition

# Every model an admin form could write to: none of these counts may move on a refusal.
WRITABLE = [
    City,
    Zone,
    Activity,
    Project,
    Enrollment,
    Milestone,
    Problem,
    ProgressReport,
    Membership,
    User,
    TransitionLog,
    Alert,
]

MANAGEMENT_FIELD = re.compile(
    r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d+)"'
)


@dataclasses.dataclass
class Place:
    """A zone and what it holds; its city's round."""

    key: str
    zone: Zone
    activity: Activity
    person: User
    project: Project
    milestone: Milestone

    @property
    def city(self) -> City:
        return self.zone.city


@pytest.fixture
def places(zone_a, zone_b, foreign_zone, supervisor, foreign_supervisor) -> dict[str, Place]:
    """Places A and B of 临汾市 and F of 晋城市, each with a project started through the service
    (so it has a log row) and an alert."""
    rounds = {
        zone_a.city_id: ActivityFactory(name="2024年第一次", city=zone_a.city),
        foreign_zone.city_id: ActivityFactory(name="2024年晋城第一次", city=foreign_zone.city),
    }
    movers = {zone_a.city_id: supervisor, foreign_zone.city_id: foreign_supervisor}
    made = {}
    for key, zone in {"A": zone_a, "B": zone_b, "F": foreign_zone}.items():
        person = member(f"leader-{key}", Role.VIEWER, zone=zone)
        project = ProjectFactory(zone=zone, name=f"{zone.name}的项目", leader=person)
        project_transition(
            project=project,
            name="start",
            by=movers[zone.city_id],
            effective_on=datetime.date(2025, 6, 1),
        )
        Alert.objects.create(
            recipient=person,
            project=project,
            rule=Alert.Rule.MILESTONE_OVERDUE,
            level=Alert.Level.REMINDER,
            due_period="2025-06",
            message=f"{project.name}逾期",
        )
        milestone = Milestone.objects.create(
            project=project, name="土地摘牌", planned_on=datetime.date(2025, 5, 1)
        )
        made[key] = Place(key, zone, rounds[zone.city_id], person, project, milestone)
    return made


# For each role of the cast: its user fixture, its home place, and the places out of its scope.
CAST = {
    "officer": ("officer", "A", ["B", "F"]),
    "zone_leader": ("zone_leader", "A", ["B", "F"]),
    "supervisor": ("supervisor", "A", ["F"]),
    "viewer": ("viewer", "A", ["F"]),
    "foreign_supervisor": ("foreign_supervisor", "F", ["A", "B"]),
}


@dataclasses.dataclass
class Caller:
    user: User
    home: Place
    away: list[Place]

    def foreign(self, kind: str) -> list:
        """The objects of one kind the caller may not name: a foreign round or city only where
        the foreign place is in another city."""
        if kind in ("activity", "city"):
            return [getattr(p, kind) for p in self.away if p.city != self.home.city]
        return [getattr(p, kind) for p in self.away]


@pytest.fixture
def as_role(request, client, places):
    """Log the client in as a staff member of one role; answers the role's home and away."""

    def log_in(role: str) -> Caller:
        fixture, home, away = CAST[role]
        user = request.getfixturevalue(fixture)
        user.is_staff = True
        user.save()
        client.force_login(user)
        return Caller(user, places[home], [places[key] for key in away])

    return log_in


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITABLE}


def submit(client, url: str, fields: dict):
    """Post ``fields`` to an admin form the way its page would, inline management forms
    included (read from the page, so a new inline does not break the tests)."""
    page = client.get(url)
    if page.status_code != 200:
        return client.post(url, fields)
    management = dict(MANAGEMENT_FIELD.findall(page.content.decode()))
    return client.post(url, {**management, **fields})


def refused_fields(response) -> set[str]:
    """The fields the admin form refused; an inline's as ``prefix-N-field``."""
    assert response.status_code == 200, response.status_code
    errors = set(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for index, form_errors in enumerate(inline.formset.errors):
            errors |= {f"{inline.formset.prefix}-{index}-{name}" for name in form_errors}
    return errors
