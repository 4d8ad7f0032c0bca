"""Store a ``demo.planner.CityPlan``: find every row by its natural key, write only what changed.

Two promises matter more than realism:

* Idempotent. Every row is found by its natural key (City.name, Zone.code, Activity (city, name),
  Project (zone, name), usernames, Enrollment (project, kind), Milestone (project, name),
  Problem (project, description), ProgressReport (project, month)) and only changed fields are
  written, so a second run changes nothing. Only a project still at ``signed`` with no
  TransitionLog row (i.e. one this run created) is moved through the stages.
* Honest stages. Stages are reached only through ``workflow.services.project_transition``, by a
  user whose role allows it, with dates in order and never in the future; the same path officers
  take, so the log, the version and the guards are exercised exactly as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count

from demo.data import PASSWORD, ZoneSpec
from demo.planner import CityPlan, PersonPlan, ProjectPlan
from projects.errors import Refusal
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
from projects.stages import Stage
from workflow.models import TransitionLog
from workflow.services import project_transition

User = get_user_model()


class SeedConflict(Exception):
    """What is stored contradicts the plan, e.g. a zone of the same name under another code."""


@dataclass(frozen=True)
class Written:
    created: int  # projects created by this run
    moved: int  # projects this run moved through the workflow


@dataclass(frozen=True)
class CitySummary:
    """What is stored for one city, as ``seed_demo`` reports it."""

    zones: int
    rounds: int
    projects: int
    stages: dict[str, int]  # projects by stage; a stage without projects is left out
    enrollments: int
    transitions: int
    milestones: int
    problems: int
    monthly_reports: int


def write_city(plan: CityPlan) -> Written:
    """Store the plan: reference data and people in one transaction, then one per project."""
    return _Writer().write(plan)


def city_summary(name: str) -> CitySummary:
    projects = Project.objects.filter(zone__city__name=name)
    stages = dict(projects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return CitySummary(
        zones=Zone.objects.filter(city__name=name).count(),
        rounds=Activity.objects.filter(city__name=name).count(),
        projects=projects.count(),
        stages=stages,
        enrollments=Enrollment.objects.filter(project__in=projects).count(),
        transitions=TransitionLog.objects.filter(project__in=projects).count(),
        milestones=Milestone.objects.filter(project__in=projects).count(),
        problems=Problem.objects.filter(project__in=projects).count(),
        monthly_reports=ProgressReport.objects.filter(project__in=projects).count(),
    )


def upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    create_values: dict[str, Any] | None = None,
    validate: bool = False,
) -> tuple[Any, bool]:
    """Create the row, or write only the fields that differ, so a re-run leaves rows untouched.

    ``create_values`` are set only on creation: dates that later transitions build on.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_values or {}))
        if validate:
            obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            if getattr(obj, model_field.attname) != (value.pk if value else None):
                setattr(obj, name, value)
                changed.append(name)
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        if validate:
            obj.full_clean()
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=changed + auto_now)
    return obj, False


class _Writer:
    def __init__(self) -> None:
        self._password_hash: str | None = None
        self.users: dict[str, Any] = {}  # by username
        self.zones: dict[str, Zone] = {}  # by code
        self.activities: list[Activity] = []  # in the plan's order of rounds

    def write(self, plan: CityPlan) -> Written:
        try:
            with transaction.atomic():
                city, _ = upsert(City, {"name": plan.name}, {"province": plan.province})
                self.zones = {spec.code: self._zone(city, spec) for spec in plan.zones}
                self.activities = [
                    upsert(Activity, {"city": city, "name": name}, {"held_on": held_on})[0]
                    for name, held_on in plan.rounds
                ]
                for person in plan.people:
                    self.users[person.username] = self._person(city, person)
        except ValidationError as error:
            raise SeedConflict(f"Reference data conflicts with what is stored: {error}") from error
        created = moved = 0
        for project_plan in plan.projects:
            try:
                with transaction.atomic():
                    was_created, was_moved = self._project(project_plan)
            except (Refusal, ValidationError) as error:
                raise SeedConflict(
                    f"{project_plan.zone.name} · {project_plan.name}: {error}"
                ) from error
            created += was_created
            moved += was_moved
        return Written(created=created, moved=moved)

    # -- reference data and people ----------------------------------------------------------

    def _zone(self, city: City, spec: ZoneSpec) -> Zone:
        values = {
            "name": spec.name,
            "city": city,
            "county": spec.county,
            "category": spec.category,
            "level": spec.level,
        }
        return upsert(Zone, {"code": spec.code}, values, validate=True)[0]

    def _person(self, city: City, person: PersonPlan):
        user = self._user(
            person.username, person.first_name, superuser=person.role is None, check=person.login
        )
        if person.role is not None:
            zone = self.zones[person.zone] if person.zone else None
            self._membership(user, person.role, zone=zone, city=None if zone else city)
        return user

    def _user(
        self, username: str, first_name: str, *, superuser: bool = False, check: bool = False
    ):
        """Staff users with the demo password; demo logins get it back if it was changed."""
        values = {"first_name": first_name, "is_staff": True, "is_active": True}
        if superuser:
            values["is_superuser"] = True
        user, created = upsert(
            User,
            {"username": username},
            values,
            create_values={"password": self._hash(), "email": f"{username}@example.com"},
        )
        if not created and check and not user.check_password(PASSWORD):
            user.password = self._hash()
            user.save(update_fields=["password"])
        return user

    def _hash(self) -> str:
        """One slow hash per run, shared by the users created in it (it is a demo password)."""
        if self._password_hash is None:
            self._password_hash = make_password(PASSWORD)
        return self._password_hash

    def _membership(self, user, role: str, *, zone: Zone | None, city: City | None) -> None:
        values = {"role": role, "zone": zone, "city": city}
        membership, _ = upsert(Membership, {"user": user}, values, validate=True)
        user.membership = membership  # cache it: project_transition asks for it on every call

    # -- projects ---------------------------------------------------------------------------

    def _project(self, plan: ProjectPlan) -> tuple[bool, bool]:
        zone = self.zones[plan.zone.code]
        values = {
            **plan.values,
            "leader": self.users[plan.leader],
            "officer": self.users[plan.officer],
        }
        project, created = upsert(
            Project,
            {"zone": zone, "name": plan.name},
            values,
            create_values=plan.create_values,
            validate=True,
        )
        moved = False
        if (
            project.stage == Stage.SIGNED
            and not TransitionLog.objects.filter(project=project).exists()
        ):
            moved = self._move(project, plan)
        self._children(project, plan)
        return created, moved

    def _move(self, project: Project, plan: ProjectPlan) -> bool:
        """Through the one service, as the user the plan names for each step."""
        for step in plan.steps:
            project_transition(
                project=project,
                name=step.name,
                by=self.users[step.by],
                effective_on=step.effective_on,
                note=step.note,
                confirmed=step.confirmed,
            )
        return bool(plan.steps)

    def _children(self, project: Project, plan: ProjectPlan) -> None:
        for kind, round_index in plan.enrollments.items():
            upsert(
                Enrollment,
                {"project": project, "kind": kind},
                {"activity": self.activities[round_index]},
            )
        for row in plan.milestones:
            name, values = _split(row, "name")
            upsert(Milestone, {"project": project, "name": name}, values)
        for row in plan.problems:
            description, values = _split(row, "description")
            upsert(Problem, {"project": project, "description": description}, values, validate=True)
        self._progress(project, plan.progress)

    def _progress(self, project: Project, rows: list[dict]) -> None:
        """Monthly rows in two queries for the common case: many months, none stored yet."""
        existing = {report.month: report for report in project.progress_reports.all()}
        new = []
        for row in rows:
            report = existing.get(row["month"])
            if report is None:
                new.append(ProgressReport(project=project, **row))
                continue
            changed = [name for name, value in row.items() if getattr(report, name) != value]
            for name in changed:
                setattr(report, name, row[name])
            if changed:
                report.save(update_fields=changed)
        ProgressReport.objects.bulk_create(new)


def _split(row: dict[str, Any], key: str) -> tuple[Any, dict[str, Any]]:
    """The natural key's value and the other fields, leaving the plan's row as it was."""
    return row[key], {name: value for name, value in row.items() if name != key}
