"""Every write on projects and what a project owns, and on the reference data.

API views, the admin, pages and the ledger import call these and nothing else. Each one checks
the caller's scope (out of scope is ``NotFound``, as for a row that does not exist) and role
(``Forbidden``), runs the model's own rules (``full_clean``) and turns a unique-constraint race
(another request wrote the same row between our check and our insert) into ``Invalid``, never a
500. Arguments are keyword-only; ``by`` is the user on whose behalf the write is made.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition
from rest_framework.authtoken.models import Token

from projects.access import Role, may_edit_projects, may_manage_reference_data
from projects.errors import Forbidden, Invalid, NotFound, VersionConflict
from projects.models import (
    LIVE_STAGES,
    TRANSITION_FIELDS,
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
from projects.signals import projects_moved

ALREADY_ENROLLED = _("The project is already enrolled in this batch.")
MILESTONE_NAME_TAKEN = _("The project already has a milestone of this name.")
PROGRESS_MONTH_TAKEN = _("The project already has progress for this month.")
ONLY_BY_TRANSITION = _("This changes only through a stage transition.")
ONLY_BY_RESOLVING = _("This changes only by resolving the problem.")
ALREADY_RESOLVED = _("The problem is already resolved.")
RESOLUTION_REQUIRED = _("Say how the problem was resolved.")
UNKNOWN_FIELD = _("This field cannot be written here.")
TWIN_IN_BATCH = _("The same project (zone, name and investor) is given twice.")


# The shared steps


def _editor(by) -> None:
    if not may_edit_projects(by):
        raise Forbidden()


def _in_scope(model: type[models.Model], instance: models.Model, by) -> None:
    """Out of the caller's scope is the same answer as a row that does not exist."""
    if instance.pk is None or not model.objects.restrict(by).filter(pk=instance.pk).exists():
        raise NotFound()


def _invalid(error: ValidationError) -> Invalid:
    errors = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    first = next(iter(errors.values()))[0]
    return Invalid(first, errors=errors)


def _refuse_fields(fields: dict, names, message) -> None:
    named = [name for name in names if name in fields]
    if named:
        raise Invalid(message, errors={name: [message] for name in named})


def _writable(model: type[models.Model], fields: dict, *, fixed=()) -> None:
    """Only the model's own editable fields, and none of ``fixed``, may be given."""
    editable = {f.name for f in model._meta.concrete_fields if f.editable} - set(fixed)
    _refuse_fields(fields, sorted(set(fields) - editable), UNKNOWN_FIELD)


def _store(instance: models.Model, *, update_fields=None, duplicate=None) -> models.Model:
    """``full_clean`` then save, in a savepoint; a unique-constraint race is ``Invalid``.

    ``duplicate`` is ``(field, message)``: the answer when the race was on the row's unique key.
    """
    try:
        instance.full_clean()
    except ValidationError as error:
        raise _invalid(error) from None
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError:
        if duplicate is not None:
            raise Invalid.on(*duplicate) from None
        raise Invalid(_("Someone else has just written the same; reload and try again.")) from None
    except ConcurrentTransition:
        raise VersionConflict() from None
    return instance


# Projects


def project_create(*, by, **fields) -> Project:
    """A new project of the caller's scope; it starts at 签约 (``signed_on`` required)."""
    _editor(by)
    _refuse_fields(fields, TRANSITION_FIELDS, ONLY_BY_TRANSITION)
    _writable(Project, fields)
    zone = fields.get("zone")
    if zone is not None and not Zone.objects.restrict(by).filter(pk=zone.pk).exists():
        raise Invalid.on("zone", _("No such zone."))
    return _store(Project(**fields))


_PROJECT_LINKS = ("zone", "leader", "officer")


class LiveTwins:
    """The live projects of some zones by (zone, name, investor), read in one query, to answer
    ``Project.live_twin`` for many candidates without a query each (same filter, same order)."""

    def __init__(self, *, zone_ids, names) -> None:
        self._by_key: dict[tuple, list[Project]] = {}
        stored = Project.objects.filter(
            zone_id__in=set(zone_ids),
            name__in={name.strip() for name in names if name},
            stage__in=LIVE_STAGES,
        ).order_by("pk")
        for project in stored:
            self._by_key.setdefault((project.zone_id, project.name, project.investor), []).append(
                project
            )

    def of(self, project: Project) -> Project | None:
        if not (project.zone_id and project.name and project.investor):
            return None
        key = (project.zone_id, project.name.strip(), project.investor.strip())
        return next((twin for twin in self._by_key.get(key, []) if twin.pk != project.pk), None)

    def answer_for(self, project: Project) -> Project:
        """``project.live_twin()`` answers from here from now on (this instance only)."""
        project.live_twin = lambda: self.of(project)
        return project


def project_create_many(*, by, rows: list[dict]) -> list[Project]:
    """Several new projects at once, by the rules of ``project_create``, in one insert.

    Every row is checked before anything is written, and the first bad row raises ``Invalid``
    for it with ``Invalid.row`` its index in ``rows``. What ``project_create`` asks the database
    row by row is asked once for all: the zones in the caller's scope, and that each zone,
    leader and officer exists (``full_clean`` then skips those per-row lookups). The table's
    check constraints, which ``full_clean`` would test with a query each, are the database's
    own: a row breaking one is refused at the insert, as a whole, and the savepoint rolls back.
    """
    _editor(by)
    for index, fields in enumerate(rows):
        with _row(index):
            _refuse_fields(fields, TRANSITION_FIELDS, ONLY_BY_TRANSITION)
            _writable(Project, fields)
    _links_exist(rows, by)
    twins = LiveTwins(
        zone_ids=[fields["zone"].pk for fields in rows], names=[f.get("name") for f in rows]
    )
    projects, seen = [], set()
    for index, fields in enumerate(rows):
        project = twins.answer_for(Project(**fields))
        with _row(index):
            try:
                project.full_clean(exclude=_PROJECT_LINKS, validate_constraints=False)
            except ValidationError as error:
                raise _invalid(error) from None
            # ``clean`` finds a stored twin; a twin earlier in the same batch is not stored yet.
            key = (project.zone_id, project.name.strip(), project.investor.strip())
            if key in seen:
                raise Invalid.on("name", TWIN_IN_BATCH)
            seen.add(key)
        projects.append(project)
    try:
        with transaction.atomic():
            return Project.objects.bulk_create(projects, batch_size=500)
    except IntegrityError:
        raise Invalid(_("Someone else has just written the same; reload and try again.")) from None


@contextmanager
def _row(index: int):
    """Tags an ``Invalid`` raised inside with the index of the row it is about."""
    try:
        yield
    except Invalid as error:
        error.row = index
        raise


def _links_exist(rows: list[dict], by) -> None:
    """The zone (in the caller's scope), leader and officer of every row exist: one query per
    kind of link instead of ``full_clean``'s one per row and link."""
    zone_ids = {_pk(fields.get("zone")) for fields in rows} - {None}
    zones = Zone.objects.restrict(by).in_bulk(zone_ids)
    people = {_pk(fields.get(name)) for fields in rows for name in ("leader", "officer")} - {None}
    known = set(get_user_model()._base_manager.filter(pk__in=people).values_list("pk", flat=True))
    for index, fields in enumerate(rows):
        if "zone" not in fields or fields["zone"] is None:
            error = Invalid.on("zone", Project._meta.get_field("zone").error_messages["null"])
        elif _pk(fields["zone"]) not in zones:
            error = Invalid.on("zone", _("No such zone."))
        else:
            missing = [n for n in ("leader", "officer") if _pk(fields.get(n)) not in known | {None}]
            if not missing:
                fields["zone"] = zones[_pk(fields["zone"])]
                continue
            error = Invalid.on(missing[0], _("No such user."))
        error.row = index
        raise error


def _pk(value):
    return getattr(value, "pk", value)


def project_update(*, project: Project, by, **fields) -> Project:
    """Write only the fields given, so two people editing different fields at once both keep
    their change; the stage and its dates change only through a transition."""
    _editor(by)
    _in_scope(Project, project, by)
    _refuse_fields(fields, TRANSITION_FIELDS, ONLY_BY_TRANSITION)
    _writable(Project, fields)
    zone = fields.get("zone")
    if zone is not None and not Zone.objects.restrict(by).filter(pk=zone.pk).exists():
        raise Invalid.on("zone", _("No such zone."))
    for name, value in fields.items():
        setattr(project, name, value)
    return _store(project, update_fields=[*fields, "updated_at"])


def project_update_many(*, by, changes: list[tuple[Project, dict]]) -> list[Project]:
    """Several projects' fields at once, by the rules of ``project_update``, in one bulk update.

    ``changes`` pairs a project (read, and locked, by the caller) with the fields to write.
    Every change is checked before anything is written, and the first bad one raises
    ``Invalid`` (or ``NotFound`` out of scope) with ``row`` its index in ``changes``. What
    ``project_update`` asks row by row is asked once for all: scope, zones, the named people,
    live twins; the table's check constraints are the database's own, as in
    ``project_create_many``.
    """
    _editor(by)
    for index, (_project, fields) in enumerate(changes):
        with _row(index):
            _refuse_fields(fields, TRANSITION_FIELDS, ONLY_BY_TRANSITION)
            _writable(Project, fields)
    projects = [project for project, _fields in changes]
    visible = set(
        Project.objects.restrict(by)
        .filter(pk__in=[project.pk for project in projects])
        .values_list("pk", flat=True)
    )
    named_zones = {_pk(fields["zone"]) for _p, fields in changes if fields.get("zone")}
    zones = Zone.objects.restrict(by).in_bulk(named_zones | {p.zone_id for p in projects})
    people = {_pk(f.get(name)) for _p, f in changes for name in ("leader", "officer")} - {None}
    known = set(get_user_model()._base_manager.filter(pk__in=people).values_list("pk", flat=True))
    twins = LiveTwins(
        zone_ids=[zone_id for zone_id in zones],
        names=[fields.get("name", project.name) for project, fields in changes],
    )
    written: set[str] = set()
    moved: set[int] = set()
    for index, (project, fields) in enumerate(changes):
        with _row(index):
            if project.pk not in visible:
                raise NotFound()
            if "zone" in fields and _pk(fields["zone"]) not in zones:
                raise Invalid.on("zone", _("No such zone."))
            missing = [n for n in ("leader", "officer") if _pk(fields.get(n)) not in known | {None}]
            if missing:
                raise Invalid.on(missing[0], _("No such user."))
            if "zone" in fields and _pk(fields["zone"]) != project.zone_id:
                moved |= {project.zone_id, _pk(fields["zone"])}
            for name, value in fields.items():
                setattr(project, name, value)
            if project.zone_id in zones:
                project.zone = zones[project.zone_id]
            try:
                twins.answer_for(project).full_clean(
                    exclude=_PROJECT_LINKS, validate_constraints=False
                )
            except ValidationError as error:
                raise _invalid(error) from None
        written.update(fields)
    if not written:
        return projects
    now = timezone.now()
    for project in projects:
        project.updated_at = now
    try:
        with transaction.atomic():
            Project.objects.bulk_update(projects, [*sorted(written), "updated_at"], batch_size=500)
            if moved:
                projects_moved.send(sender=Project, zone_ids=moved)
    except IntegrityError:
        raise Invalid(_("Someone else has just written the same; reload and try again.")) from None
    return projects


# What a project owns


def enrollment_create(*, project: Project, by, activity: Activity, kind: str) -> Enrollment:
    """Present the project in a round as one of the three batches; one per batch."""
    _editor(by)
    _in_scope(Project, project, by)
    if not Activity.objects.restrict(by).filter(pk=activity.pk).exists():
        raise Invalid.on("activity", _("No such activity."))
    if project.enrollments.filter(kind=kind).exists():
        raise Invalid.on("kind", ALREADY_ENROLLED)
    enrollment = Enrollment(project=project, activity=activity, kind=kind)
    return _store(enrollment, duplicate=("kind", ALREADY_ENROLLED))


def milestone_create(*, project: Project, by, **fields) -> Milestone:
    _editor(by)
    _in_scope(Project, project, by)
    _writable(Milestone, fields, fixed=["project"])
    if fields.get("name") and project.milestones.filter(name=fields["name"]).exists():
        raise Invalid.on("name", MILESTONE_NAME_TAKEN)
    return _store(Milestone(project=project, **fields), duplicate=("name", MILESTONE_NAME_TAKEN))


def milestone_update(*, milestone: Milestone, by, **fields) -> Milestone:
    _editor(by)
    _in_scope(Milestone, milestone, by)
    _writable(Milestone, fields, fixed=["project"])
    name = fields.get("name")
    if name and milestone.project.milestones.filter(name=name).exclude(pk=milestone.pk).exists():
        raise Invalid.on("name", MILESTONE_NAME_TAKEN)
    for field, value in fields.items():
        setattr(milestone, field, value)
    return _store(
        milestone,
        update_fields=list(fields),
        duplicate=("name", MILESTONE_NAME_TAKEN),
    )


PROBLEM_RESOLUTION_FIELDS = ("status", "resolved_on", "resolution")


def problem_create(*, project: Project, by, **fields) -> Problem:
    """A new open problem on the project's ledger."""
    _editor(by)
    _in_scope(Project, project, by)
    _refuse_fields(fields, PROBLEM_RESOLUTION_FIELDS, ONLY_BY_RESOLVING)
    _writable(Problem, fields, fixed=["project"])
    return _store(Problem(project=project, **fields))


def problem_update(*, problem: Problem, by, **fields) -> Problem:
    """Edit what the problem is; whether it is resolved changes only through ``problem_resolve``."""
    _editor(by)
    _in_scope(Problem, problem, by)
    _refuse_fields(fields, PROBLEM_RESOLUTION_FIELDS, ONLY_BY_RESOLVING)
    _writable(Problem, fields, fixed=["project"])
    for field, value in fields.items():
        setattr(problem, field, value)
    return _store(problem, update_fields=list(fields))


def problem_resolve(
    *, problem: Problem, by, resolved_on: datetime.date, resolution: str
) -> Problem:
    """销号: the problem is resolved on a date, saying how. Exactly one of two people resolving
    the same problem at once succeeds (a compare-and-set on the open status)."""
    _editor(by)
    _in_scope(Problem, problem, by)
    if not (resolution or "").strip():
        raise Invalid.on("resolution", RESOLUTION_REQUIRED)
    if problem.status == Problem.Status.RESOLVED:
        raise Invalid.on("status", ALREADY_RESOLVED)
    problem.status = Problem.Status.RESOLVED
    problem.resolved_on = resolved_on
    problem.resolution = resolution.strip()
    try:
        problem.full_clean()
    except ValidationError as error:
        raise _invalid(error) from None
    claimed = Problem.objects.filter(pk=problem.pk, status=Problem.Status.OPEN).update(
        status=problem.status,
        resolved_on=problem.resolved_on,
        resolution=problem.resolution,
    )
    if not claimed:
        raise Invalid.on("status", ALREADY_RESOLVED)
    Project.objects.filter(pk=problem.project_id).touch()
    return problem


def progress_create(
    *, project: Project, by, month: datetime.date, investment_completed, image_progress: str = ""
) -> ProgressReport:
    """The project's progress for one month (its first day); one report per month."""
    _editor(by)
    _in_scope(Project, project, by)
    if month and project.progress_reports.filter(month=month).exists():
        raise Invalid.on("month", PROGRESS_MONTH_TAKEN)
    report = ProgressReport(
        project=project,
        month=month,
        investment_completed=investment_completed,
        image_progress=image_progress,
    )
    return _store(report, duplicate=("month", PROGRESS_MONTH_TAKEN))


# Reference data


def zone_create(*, by, **fields) -> Zone:
    """A zone of the caller's own city (supervisors)."""
    if not may_manage_reference_data(by):
        raise Forbidden()
    _writable(Zone, fields)
    city = fields.get("city")
    if city is not None and not City.objects.restrict(by).filter(pk=city.pk).exists():
        raise Invalid.on("city", _("No such city."))
    return _store(Zone(**fields), duplicate=("code", _("A zone with this code already exists.")))


def activity_create(*, by, **fields) -> Activity:
    """A "三个一批" round of the caller's own city (supervisors)."""
    if not may_manage_reference_data(by):
        raise Forbidden()
    _writable(Activity, fields)
    city = fields.get("city")
    if city is not None and not City.objects.restrict(by).filter(pk=city.pk).exists():
        raise Invalid.on("city", _("No such city."))
    return _store(
        Activity(**fields), duplicate=("name", _("The city already has a round of this name."))
    )


# People


def user_create(
    *,
    username: str,
    role: str,
    zone_code: str | None = None,
    city_name: str | None = None,
    password: str | None = None,
) -> tuple[object, Token]:
    """Create or update a user in one zone or city with one role, and give them an API token.

    Every role works in the admin (its role group gives the permissions, ``restrict`` the
    rows), so the user is staff: a password is then enough to sign in there as well.
    """
    if role not in Role.values:
        raise Invalid.on("role", f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    if bool(zone_code) == bool(city_name):
        raise Invalid.on("zone", "Give exactly one of --zone or --city.")
    if password:
        _refuse_weak(password, username=username)
    with transaction.atomic():
        zone = city = None
        if zone_code:
            zone = Zone.objects.filter(code=zone_code).first()
            if zone is None:
                raise Invalid.on("zone", f"No zone with code {zone_code!r}.")
        else:
            city, _created = City.objects.get_or_create(name=city_name)
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        if password:
            user.set_password(password)
        elif not user.has_usable_password():
            user.set_unusable_password()
        user.save()
        membership = Membership(user=user, role=role, zone=zone, city=city)
        membership.pk = Membership.objects.filter(user=user).values_list("pk", flat=True).first()
        membership.full_clean(validate_unique=False)
        membership.save()
        token, _created = Token.objects.get_or_create(user=user)
    return user, token


def _refuse_weak(password: str, *, username: str) -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), before anything is written."""
    try:
        validate_password(password, user=get_user_model()(username=username))
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), errors={"password": error.messages}) from None
