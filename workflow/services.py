"""Moving a project through its stages: the one machinery every caller uses.

Admin actions, the API and pages call ``project_transition``; it checks scope, role, dates and
guards, then changes the stage and writes the log row in one database transaction: a forward move
as one compare-and-set UPDATE, anything that does not match it with the project row locked. The ledger import, which moves thousands of projects at once, calls
``projects_transition_many``: the same checks and guards on each move, the rows locked together
in primary-key order, the projects and log rows written in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import Field, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, can_proceed

from projects.access import may_take_transition
from projects.errors import (
    Forbidden,
    Invalid,
    NotFound,
    Refusal,
    TransitionNotAllowed,
    VersionConflict,
)
from projects.guards import output_reached_or_confirmed
from projects.models import Project, Zone
from projects.stages import (
    FORWARD_STAGES,
    PREVIOUS_STAGE,
    STAGE_DATE_FIELD,
    TRANSITION_FIELDS,
    Stage,
    Transition,
)
from workflow.models import TransitionLog
from workflow.signals import project_transitioned, projects_transitioned


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Promise
    # The stage-entry date the transition sets to its effective date (None: correct clears one).
    date_field: str | None
    note_required: bool
    # The stage the project must be in (None: several, see the model's decorators).
    requires: Stage | None


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec(Transition.START, Transition.START.label, "started_on", False, Stage.SIGNED),
        TransitionSpec(
            Transition.PUT_INTO_PRODUCTION,
            Transition.PUT_INTO_PRODUCTION.label,
            "producing_on",
            False,
            Stage.STARTED,
        ),
        TransitionSpec(
            Transition.REACH_TARGET,
            Transition.REACH_TARGET.label,
            "at_target_on",
            False,
            Stage.PRODUCING,
        ),
        TransitionSpec(
            Transition.TERMINATE, Transition.TERMINATE.label, "terminated_on", True, None
        ),
        TransitionSpec(Transition.CORRECT, Transition.CORRECT.label, None, True, None),
    )
}

_ORDER = list(FORWARD_STAGES)
_NOT_YET = {
    Stage.STARTED: _("The project has not started yet, so it cannot be put into production."),
    Stage.PRODUCING: _(
        "The project is not in production yet, so it cannot reach its target output."
    ),
}
_ALREADY = {
    Transition.START: _("The project has already started."),
    Transition.PUT_INTO_PRODUCTION: _("The project is already in production."),
    Transition.REACH_TARGET: _("The project has already reached its target output."),
}


@dataclass(frozen=True)
class TransitionOption:
    name: str
    target: str | None
    allowed: bool
    reason: str | None


def project_transition(
    *,
    project: Project | int,
    name: str,
    by,
    effective_on: datetime.date | None,
    note: str = "",
    version: int | None = None,
    confirmed: bool = False,
) -> Project:
    """Take transition ``name`` on a project the user can see, or raise a ``Refusal``."""
    project_id = project.pk if isinstance(project, Project) else project
    spec = _spec(name)
    note = (note or "").strip()

    try:
        with transaction.atomic():
            # The usual move is one UPDATE; whatever it does not take, the locked path decides.
            arguments = {
                "by": by,
                "effective_on": effective_on,
                "note": note,
                "version": version,
                "confirmed": confirmed,
            }
            moved, source = _compare_and_set(project_id, spec, **arguments) or _lock_and_move(
                project_id, spec, **arguments
            )
            TransitionLog.objects.create(
                project=moved,
                transition=name,
                source=source,
                target=moved.stage,
                effective_on=effective_on,
                by=by if getattr(by, "pk", None) else None,
                note=note,
            )
            project_transitioned.send(sender=Project, project=moved, name=name)
    except ConcurrentTransition:
        raise VersionConflict() from None
    return moved


def _lock_and_move(
    project_id: int, spec: TransitionSpec, *, by, effective_on, note: str, version, confirmed: bool
) -> tuple[Project, Stage]:
    """Every check, in the order of the refusals (404, 403, 400, 409), on the locked row; the
    moved project and the stage it left."""
    # Scope and lock in one query, with the zone and leader the answer shows (only the project's
    # row is locked).
    locked = (
        Project.objects.restrict(by)
        .select_related("zone", "leader")
        .select_for_update(of=("self",))
        .filter(pk=project_id)
        .first()
    )
    if locked is None:
        raise NotFound(_("No such project."))
    _may_take(by, spec)
    _validate_input(spec, effective_on, note)
    if version is not None and locked.version != version:
        raise VersionConflict()
    reason = _why_not_from_stage(locked, spec)
    if reason:
        raise TransitionNotAllowed(reason)
    _validate_order(locked, effective_on)
    source = locked.stage
    _apply(locked, spec, effective_on=effective_on, note=note, confirmed=confirmed)
    return locked, source


def _compare_and_set(
    project_id: int, spec: TransitionSpec, *, by, effective_on, note: str, version, confirmed: bool
) -> tuple[Project, Stage] | None:
    """A forward move in one statement: the row is updated only where every check
    ``_lock_and_move`` makes on it holds (scope, stage, version, the date not before the stage
    began), and returned with the zone's code and the leader's name for the answer.

    None when the row did not match, or when the role or the input is refused: nothing was
    written, and ``_lock_and_move`` gives the refusal (or, should the row have changed since,
    makes the move). The conditions are on the updated row itself, so PostgreSQL checks them
    again on the row a concurrent transition left: the loser matches nothing.
    """
    if (
        spec.requires is None
        or not may_take_transition(by, spec.name)
        or _input_errors(spec, effective_on, note)
    ):
        return None
    source = spec.requires
    rows = Project.objects.filter(
        pk=project_id,
        stage=source,
        # The date the stage began, which the database holds for a project at that stage.
        **{f"{STAGE_DATE_FIELD[source]}__lte": effective_on},
        # A project is in the scope its zone is in: a subquery on zones, no join on the row.
        zone__in=Zone.objects.restrict(by),
    )
    if version is not None:
        rows = rows.filter(version=version)
    moved = _update_returning(
        rows,
        {
            "stage": _ORDER[_ORDER.index(source) + 1],
            spec.date_field: effective_on,
            "updated_at": timezone.now(),
        },
    )
    if moved is None:
        return None
    # The guards, as ``_move`` runs them, on the moved row: a refusal rolls the update back.
    moved.target_confirmed = confirmed
    for condition in getattr(Project, spec.name)._django_fsm.get_transition(source).conditions:
        if not condition(moved):
            raise TransitionNotAllowed(condition.refusal)
    return moved, source


def _update_returning(rows: QuerySet, values: dict) -> Project | None:
    """``rows.update(**values)`` bumping the version, for one row of a query without joins: the
    updated project, its zone (code) and leader (username) attached, or None."""
    db = connections[rows.db]
    meta, quote = Project._meta, db.ops.quote_name
    table = quote(meta.db_table)
    fields = [meta.get_field(name) for name in values]
    version = quote(meta.get_field("version").column)
    try:
        where, where_params = rows.query.get_compiler(connection=db).compile(rows.query.where)
    except EmptyResultSet:  # a condition nothing can meet, such as an id beyond 64 bits
        return None
    zone, user = Zone._meta, get_user_model()._meta
    sql = (
        f"UPDATE {table} SET "
        + ", ".join(f"{quote(field.column)} = %s" for field in fields)
        + f", {version} = {version} + 1 WHERE {where} RETURNING "
        + ", ".join(quote(field.column) for field in meta.concrete_fields)
        + f", (SELECT {quote(zone.get_field('code').column)} FROM {quote(zone.db_table)}"
        + f" WHERE {quote(zone.db_table)}.{quote(zone.pk.column)}"
        + f" = {table}.{quote(meta.get_field('zone').column)})"
        + f", (SELECT {quote(user.get_field('username').column)} FROM {quote(user.db_table)}"
        + f" WHERE {quote(user.db_table)}.{quote(user.pk.column)}"
        + f" = {table}.{quote(meta.get_field('leader').column)})"
    )
    params = [
        field.get_db_prep_save(value, db)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        row = cursor.fetchone()
    if row is None:
        return None
    *columns, zone_code, leader_username = row
    project = Project.from_db(
        db.alias,
        [field.attname for field in meta.concrete_fields],
        [
            _from_db_value(db, field, value)
            for field, value in zip(meta.concrete_fields, columns, strict=True)
        ],
    )
    project.zone = Zone.from_db(db.alias, ["id", "code"], [project.zone_id, zone_code])
    if project.leader_id is not None:
        project.leader = get_user_model().from_db(
            db.alias, ["id", "username"], [project.leader_id, leader_username]
        )
    return project


def _from_db_value(db, field: Field, value):
    """A column's value as the ORM would have read it (SQLite gives dates and decimals as
    text)."""
    column = field.get_col(Project._meta.db_table)
    for convert in [*db.ops.get_db_converters(column), *field.get_db_converters(db)]:
        value = convert(value, column, db)
    return value


@dataclass(frozen=True)
class Move:
    """One transition of ``projects_transition_many``."""

    project_id: int
    name: str
    effective_on: datetime.date | None
    # The caller's confirmation that the project reached its target (see ``reach_target``).
    confirmed: bool = False


# Rows locked per query: well under SQLite's limit of bound parameters.
_LOCK_CHUNK = 2000


def projects_transition_many(*, moves: Sequence[Move], by, note: str = "") -> list[Project]:
    """Take many transitions at once, in the order given (a project's moves one after another),
    all or none; the moved projects, each once.

    Each move is checked as ``project_transition`` checks one: scope, role, date, stage and
    guards, on the project as the earlier moves left it; the first refused raises its
    ``Refusal`` with ``row`` the move's index, and nothing is written. The projects are locked
    together, in primary-key order, then saved with one bulk update and their log rows written
    with one bulk insert: a query count that does not grow with the moves.
    ``projects_transitioned`` is sent once, with every moved project's id.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock_many(by, sorted({move.project_id for move in moves}))
        moved: dict[int, Project] = {}
        logs = []
        for index, move in enumerate(moves):
            with _move_index(index):
                spec = _spec(move.name)
                project = locked.get(move.project_id)
                if project is None:
                    raise NotFound(_("No such project."))
                _may_take(by, spec)
                _validate_input(spec, move.effective_on, note)
                reason = _why_not_from_stage(project, spec)
                if reason:
                    raise TransitionNotAllowed(reason)
                _validate_order(project, move.effective_on)
                source = project.stage
                _move(
                    project,
                    spec,
                    effective_on=move.effective_on,
                    note=note,
                    confirmed=move.confirmed,
                )
            logs.append(
                TransitionLog(
                    project=project,
                    transition=spec.name,
                    source=source,
                    target=project.stage,
                    effective_on=move.effective_on,
                    by=by if getattr(by, "pk", None) else None,
                    note=note,
                )
            )
            moved[project.pk] = project
        _save_moved(list(moved.values()))
        TransitionLog.objects.bulk_create(logs, batch_size=1000)
        projects_transitioned.send(sender=Project, project_ids=list(moved))
    return list(moved.values())


# Projects saved per UPDATE by ``_save_moved``.
_SAVE_CHUNK = 5000


def _save_moved(projects: list[Project]) -> None:
    """Write the transition fields of ``projects`` (locked by the caller) and stamp
    ``updated_at``.

    On PostgreSQL one ``UPDATE … FROM unnest(arrays)`` per 5,000 projects: Django's
    ``bulk_update`` builds a CASE of one WHEN per project and field, which took a minute for the
    3,200 moves of a 10,000-row ledger. Elsewhere (SQLite) ``bulk_update``.
    """
    now = timezone.now()
    for project in projects:
        project.updated_at = now
    if connection.vendor != "postgresql":
        Project.objects.bulk_update(projects, [*TRANSITION_FIELDS, "updated_at"], batch_size=500)
        return
    meta, quote = Project._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in TRANSITION_FIELDS]
    columns = [quote(field.column) for field in fields]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS project SET "
        + ", ".join(f"{column} = moved.{column}" for column in columns)
        + f", {quote(meta.get_field('updated_at').column)} = %s"
        + f" FROM unnest(%s::bigint[], {arrays}) AS moved(id, {', '.join(columns)})"
        + f" WHERE project.{quote(meta.pk.column)} = moved.id"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(projects), _SAVE_CHUNK):
            chunk = projects[start : start + _SAVE_CHUNK]
            values = [[getattr(project, field.attname) for project in chunk] for field in fields]
            cursor.execute(sql, [now, [project.pk for project in chunk], *values])


def _lock_many(by, ids: list[int]) -> dict[int, Project]:
    """The projects of ``ids`` in ``by``'s scope, locked in primary-key order."""
    locked: dict[int, Project] = {}
    scoped = Project.objects.restrict(by).select_for_update(of=("self",)).order_by("pk")
    for start in range(0, len(ids), _LOCK_CHUNK):
        for project in scoped.filter(pk__in=ids[start : start + _LOCK_CHUNK]):
            locked[project.pk] = project
    return locked


@contextmanager
def _move_index(index: int) -> Iterator[None]:
    """Tags a refusal raised inside with the index of the move it is about."""
    try:
        yield
    except Refusal as refusal:
        refusal.row = index
        raise


def transition_precheck(*, project_id: int, name: str, by) -> TransitionSpec:
    """Scope (404) and role (403), which come before anything about the request's body."""
    spec = _spec(name)
    if not Project.objects.restrict(by).filter(pk=project_id).exists():
        raise NotFound(_("No such project."))
    _may_take(by, spec)
    return spec


def _spec(name: str) -> TransitionSpec:
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise NotFound(_("There is no transition named “%(name)s”.") % {"name": name})
    return spec


def _may_take(by, spec: TransitionSpec) -> None:
    if not may_take_transition(by, spec.name):
        raise Forbidden(_("Your role may not %(action)s a project.") % {"action": spec.label})


def transition_options(*, project: Project, user) -> list[TransitionOption]:
    """Every transition with whether ``user`` may take it now, and why not."""
    options = []
    for spec in TRANSITIONS.values():
        reason = _why_not_from_stage(project, spec)
        if reason is None and not may_take_transition(user, spec.name):
            reason = str(_("Your role may not %(action)s a project.") % {"action": spec.label})
        allowed = reason is None
        if (
            allowed
            and spec.name == Transition.REACH_TARGET
            and not output_reached_or_confirmed(project)
        ):
            reason = str(output_reached_or_confirmed.refusal)
        options.append(
            TransitionOption(
                name=spec.name,
                target=_target_of(project, spec) if allowed else None,
                allowed=allowed,
                reason=reason,
            )
        )
    return options


def _validate_input(spec: TransitionSpec, effective_on, note: str) -> None:
    errors = _input_errors(spec, effective_on, note)
    if errors:
        first = next(iter(errors.values()))[0]
        raise Invalid(first, errors=errors)


def _input_errors(spec: TransitionSpec, effective_on, note: str) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not isinstance(effective_on, datetime.date):
        errors["effective_on"] = [_("Give the date it happened (YYYY-MM-DD).")]
    elif effective_on > timezone.localdate():
        errors["effective_on"] = [_("The date cannot be in the future.")]
    if spec.note_required and not note:
        errors["note"] = [_("A reason is required for this transition.")]
    return errors


def _validate_order(project: Project, effective_on: datetime.date) -> None:
    """Not before the date the project entered its current stage."""
    entered_on = project.stage_entered_on
    if entered_on and effective_on < entered_on:
        raise Invalid.on(
            "effective_on",
            _("The date cannot be before %(date)s, when the project entered its current stage.")
            % {"date": entered_on.isoformat()},
        )


def _why_not_from_stage(project: Project, spec: TransitionSpec) -> str | None:
    if can_proceed(getattr(project, spec.name), check_conditions=False):
        return None
    stage = project.stage
    if stage == Stage.TERMINATED:
        return str(
            _("The project has been terminated; only a supervisor's correction can reopen it.")
        )
    if spec.name == Transition.CORRECT:
        return str(
            _("The project is at the signed stage; there is no earlier stage to go back to.")
        )
    if spec.name == Transition.TERMINATE:
        return str(_("The project has reached its target output and can no longer be terminated."))
    if _ORDER.index(stage) < _ORDER.index(spec.requires):
        return str(_NOT_YET[spec.requires])
    return str(_ALREADY[spec.name])


def _target_of(project: Project, spec: TransitionSpec) -> str:
    if spec.name == Transition.CORRECT:
        if project.stage == Stage.TERMINATED:
            return project.stage_before_termination()
        return PREVIOUS_STAGE[project.stage]
    if spec.name == Transition.TERMINATE:
        return Stage.TERMINATED
    return _ORDER[_ORDER.index(spec.requires) + 1]


def _apply(
    project: Project, spec: TransitionSpec, *, effective_on, note: str, confirmed: bool
) -> None:
    """Move the project and save what the move changed."""
    _move(project, spec, effective_on=effective_on, note=note, confirmed=confirmed)
    project.save(update_fields=[*TRANSITION_FIELDS, "updated_at"])


def _move(
    project: Project, spec: TransitionSpec, *, effective_on, note: str, confirmed: bool
) -> None:
    """Set the stage's date, run the guards and the fsm method, and bump the version; in
    memory, for the caller to save."""
    if spec.date_field:
        setattr(project, spec.date_field, effective_on)
    if spec.name == Transition.TERMINATE:
        project.termination_reason = note
    project.target_confirmed = confirmed
    method = getattr(project, spec.name)
    for condition in method._django_fsm.get_transition(project.stage).conditions:
        if not condition(project):
            raise TransitionNotAllowed(condition.refusal)
    method()
    project.version += 1
