"""Writes of the reports app: the ledger import, which creates, updates and moves projects, and
the refresh of the three rates' rollup.

All rows or none: ``ledger_import_apply`` runs in one database transaction, and the first row the
database or a service refuses rolls everything back. Stage moves go through the transition
machinery (``projects_transition_many``), in order, with the row's dates.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import may_edit_projects
from projects.errors import Forbidden, Invalid, NotFound, Refusal
from projects.models import Enrollment, Project, Zone
from projects.services import project_create_many, project_update_many
from projects.stages import Transition
from reports.ledger_import import BY_FIELD, LedgerIssue, LedgerPlan, RowPlan, ledger_check
from reports.models import LedgerImport, RateRollup, RollupMark
from reports.selectors import RATES, ROLLED_UP, Narrowing, rollup_split
from workflow.services import Move, projects_transition_many

# Files up to this size are checked and applied within the request; larger ones by a worker.
INLINE_MAX_BYTES = 200 * 1024


class LedgerRefused(Exception):
    """A row the database or a service refused while applying: the transaction rolls back."""

    def __init__(self, problem: LedgerIssue) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class LedgerCounts:
    created: int
    updated: int
    unchanged: int


def command_line_actor():
    """Who the command line acts as: the operator at the server, allowed everything; the
    transition log records no user for it."""
    return get_user_model()(username="import_ledger", is_superuser=True, is_active=True)


def ledger_import_apply(
    *, zone: Zone, plan: LedgerPlan, by, on_row: Callable[[int], None] | None = None
) -> LedgerCounts:
    """Write a checked plan in one transaction, or raise ``LedgerRefused`` having written
    nothing. ``on_row`` is told how many rows are done as they are.

    Set-based, so the queries do not grow with the rows: new projects are created together
    (``project_create_many``), the projects to update are read and locked together in
    primary-key order and written together (``project_update_many``), then every stage move of
    every row goes through ``projects_transition_many`` (guards, log rows and versions, in the
    ledger's order)."""
    note = _("Ledger import")
    with transaction.atomic():
        fresh = [row for row in plan.rows if row.action == "created"]
        try:
            made = project_create_many(by=by, rows=[{"zone": zone, **row.values} for row in fresh])
        except Invalid as refusal:
            raise LedgerRefused(_issue(fresh[refusal.row], refusal)) from None
        project_ids = {id(row): project.pk for row, project in zip(fresh, made, strict=True)}
        changed = [row for row in plan.rows if row.action == "updated"]
        stored = _locked(zone, [row.project_id for row in changed])
        edits = [row for row in changed if row.values]
        try:
            project_update_many(
                by=by, changes=[(stored[row.project_id], row.values) for row in edits]
            )
        except Refusal as refusal:
            raise LedgerRefused(_issue(edits[refusal.row], refusal)) from None
        if on_row:
            on_row(sum(1 for row in plan.rows if not row.moves))
        moving, moves = [], []
        for row in plan.rows:
            for name, effective_on in row.moves:
                moving.append(row)
                moves.append(
                    Move(
                        project_id=project_ids.get(id(row), row.project_id),
                        name=name,
                        effective_on=effective_on,
                        # The ledger says the project is at 达效 on that date: the officer's
                        # confirmation.
                        confirmed=name == Transition.REACH_TARGET,
                    )
                )
        try:
            projects_transition_many(moves=moves, by=by, note=note)
        except Refusal as refusal:
            raise LedgerRefused(_issue(moving[refusal.row], refusal)) from None
        if on_row:
            on_row(len(plan.rows))
    return _counts(plan)


def _locked(zone: Zone, ids: list[int]) -> dict[int, Project]:
    """The projects an import updates, locked in primary-key order (no deadlock with another
    writer taking several), with what their rules read (zone, leader's membership)."""
    if not ids:
        return {}
    rows = (
        Project.objects.select_for_update(of=("self",))
        .select_related("leader__membership")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    locked = {}
    for project in rows:
        project.zone = zone
        locked[project.pk] = project
    return locked


def _issue(row: RowPlan, refusal: Refusal) -> LedgerIssue:
    """The row and column a service's refusal is about, in the ledger's words."""
    for name, messages in refusal.errors.items():
        if name in BY_FIELD and messages:
            return LedgerIssue(row.row, BY_FIELD[name].header, messages[0])
    return LedgerIssue(row.row, "", refusal.detail)


def ledger_import(
    *,
    data: bytes,
    zone: Zone,
    by,
    dry_run: bool,
    progress: Callable[[float], None] | None = None,
) -> tuple[LedgerPlan, LedgerCounts | None]:
    """Check every row, then (unless a dry run, and only if all are good) apply them.

    Answers the plan (its ``errors`` and ``warnings``) and the counts; the counts are None when
    nothing could be applied. Progress runs 0–0.5 while checking and 0.5–1 while applying.
    """
    plan = ledger_check(data, zone=zone, progress=(lambda f: progress(f / 2)) if progress else None)
    if not plan.ok:
        return plan, None
    if dry_run:
        return plan, _counts(plan)
    total = max(len(plan.rows), 1)

    def on_row(done: int) -> None:
        if progress:
            progress(0.5 + done / total / 2)

    try:
        counts = ledger_import_apply(zone=zone, plan=plan, by=by, on_row=on_row)
    except LedgerRefused as refused:
        plan.errors.append(refused.problem)
        return plan, None
    return plan, counts


def ledger_import_start(
    *, user, zone_code: str, file_name: str, data: bytes | None, size: int, dry_run: bool
) -> LedgerImport:
    """The API's entry: scope (404) and role (403), a record, then the import at once for a
    small file or by a worker for a large one."""
    zone = Zone.objects.restrict(user).filter(code=zone_code).first()
    if zone is None:
        raise NotFound(_("No such zone."))
    if not may_edit_projects(user):
        raise Forbidden(_("Your role may not import projects."))
    record = LedgerImport.objects.create(
        zone=zone, by=user, file_name=file_name[:255], dry_run=dry_run, file=data
    )
    if data is None or size > INLINE_MAX_BYTES:
        if data is None:
            _finish(record, LedgerPlan(errors=[_too_large()]), None)
        else:
            from reports.tasks import ledger_import_task

            transaction.on_commit(lambda: ledger_import_task.delay(record.pk))
        return record
    return ledger_import_run(import_id=record.pk)


def ledger_import_confirm(*, user, import_id: int) -> LedgerImport:
    """Apply a dry run that found every row good: its file, checked again and applied, as a new
    import. The dry run gives up its file, so two confirmations apply it once."""
    record = LedgerImport.objects.restrict(user).select_related("zone").filter(pk=import_id).first()
    if record is None:
        raise NotFound()
    if not may_edit_projects(user):
        raise Forbidden(_("Your role may not import projects."))
    data = record.file
    claimed = data is not None and LedgerImport.objects.filter(
        pk=record.pk, dry_run=True, status=LedgerImport.Status.READY, file__isnull=False
    ).update(file=None)
    if not claimed:
        raise Invalid.on("import", _("This check has already been applied, or found bad rows."))
    data = bytes(data)
    return ledger_import_start(
        user=user,
        zone_code=record.zone.code,
        file_name=record.file_name,
        data=data,
        size=len(data),
        dry_run=False,
    )


def _too_large() -> LedgerIssue:
    return LedgerIssue(0, "", _("The file is larger than 10 MB; split it into smaller files."))


def ledger_import_run(*, import_id: int) -> LedgerImport:
    """Check and apply one recorded import (the worker's task body). A retried or redelivered
    run of a finished import does nothing; an unfinished one starts again from the file."""
    record = LedgerImport.objects.select_related("zone", "by").get(pk=import_id)
    if record.is_finished:
        return record
    LedgerImport.objects.filter(pk=record.pk).update(
        status=LedgerImport.Status.VALIDATING, progress=0.0
    )
    reporter = _ProgressReporter(record.pk)
    try:
        plan = ledger_check(bytes(record.file), zone=record.zone, progress=reporter.checking)
        if not plan.ok or record.dry_run:
            counts = None if not plan.ok else _counts(plan)
            return _finish(record, plan, counts)
        LedgerImport.objects.filter(pk=record.pk).update(
            status=LedgerImport.Status.READY, progress=0.5, rows=plan.row_count
        )
        by = record.by or command_line_actor()
        try:
            with transaction.atomic():
                counts = ledger_import_apply(
                    zone=record.zone, plan=plan, by=by, on_row=reporter.applying(len(plan.rows))
                )
                # Finished in the same transaction as the writes: a crash leaves it unfinished.
                return _finish(record, plan, counts)
        except LedgerRefused as refused:
            plan.errors.append(refused.problem)
            return _finish(record, plan, None)
    finally:
        reporter.close()


def _counts(plan: LedgerPlan) -> LedgerCounts:
    return LedgerCounts(plan.count("created"), plan.count("updated"), plan.count("unchanged"))


def _finish(record: LedgerImport, plan: LedgerPlan, counts: LedgerCounts | None) -> LedgerImport:
    if counts is None:
        record.status = LedgerImport.Status.FAILED
    elif record.dry_run:
        record.status = LedgerImport.Status.READY
    else:
        record.status = LedgerImport.Status.APPLIED
    record.progress = 1.0
    record.rows = plan.row_count
    record.created, record.updated, record.unchanged = (
        (counts.created, counts.updated, counts.unchanged) if counts else (0, 0, 0)
    )
    record.errors = [problem.as_dict() for problem in plan.errors]
    record.warnings = [problem.as_dict() for problem in plan.warnings]
    # A checked dry run keeps its file until it is confirmed (``ledger_import_confirm``).
    if not (record.dry_run and counts is not None):
        record.file = None
    record.finished_at = timezone.now()
    record.save()
    return record


class _ProgressReporter:
    """Writes ``progress`` where a page can read it while the import runs.

    While checking, nothing is held open, so a plain update commits at once. While applying,
    the import's transaction is open; on PostgreSQL a second connection writes the progress
    beside it. SQLite allows one writer at a time, so there the bar jumps from 0.5 to 1.
    """

    def __init__(self, import_id: int) -> None:
        self.import_id = import_id
        self._side = None
        self._lock = threading.Lock()

    def checking(self, fraction: float) -> None:
        LedgerImport.objects.filter(pk=self.import_id).update(progress=round(fraction / 2, 4))

    def applying(self, total: int) -> Callable[[int], None]:
        def on_row(done: int) -> None:
            self._write(0.5 + done / max(total, 1) / 2)

        return on_row

    def _write(self, value: float) -> None:
        if connection.vendor != "postgresql":
            return
        with self._lock:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {LedgerImport._meta.db_table} SET progress = %s WHERE id = %s",
                    [round(value, 4), self.import_id],
                )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# The three rates' rollup

# Zones refreshed per transaction. PostgreSQL hash-joins a chunk's enrollments to every project
# whatever its size, so smaller chunks cost more in all (the country at 1,000,000 projects:
# ~29 s in chunks of 100, ~19 s of 500 or in one); a chunk of 500 holds its marks (and a
# deletion in its zones waits) for a few seconds.
ROLLUP_CHUNK = 500
# However little a zone changes, its rows are counted again after this long: a read looks at
# every change since its oldest fresh zone was counted, so an old count would lengthen every
# read through the day.
ROLLUP_MAX_AGE = datetime.timedelta(hours=1)


def rollups_due(*, as_of: datetime.date) -> list[int]:
    """The zones whose rows do not hold ``as_of`` (``selectors.rollup_split``: every zone on
    the day's first run, then those changed since) and those counted over an hour ago."""
    _fresh, stale = rollup_split(Narrowing(), as_of)
    aged = RollupMark.objects.filter(
        as_of=as_of, computed_at__lt=timezone.now() - ROLLUP_MAX_AGE
    ).values_list("zone_id", flat=True)
    return sorted({*stale, *aged})


def rollups_refresh(*, as_of: datetime.date, zone_ids: list[int] | None = None) -> int:
    """Count the three rates' figures of ``zone_ids`` (every zone when None) as of ``as_of``
    into ``RateRollup``, replacing the zones' rows, and mark them computed now; returns how
    many zones were refreshed.

    One transaction per chunk of zones: their marks are locked in zone order first (created
    blank where missing), so two refreshes, or a refresh and a change blanking a mark
    (``rollup_marks_blank``), take turns instead of deadlocking; then the chunk's rows are
    deleted and inserted again by one INSERT … SELECT. A change that commits while a chunk runs
    either waits for its mark (and blanks it after) or was committed before the chunk read.
    """
    zones = (
        sorted(zone_ids)
        if zone_ids is not None
        else list(Zone.objects.order_by("pk").values_list("pk", flat=True))
    )
    for start in range(0, len(zones), ROLLUP_CHUNK):
        chunk = zones[start : start + ROLLUP_CHUNK]
        with transaction.atomic():
            RollupMark.objects.bulk_create(
                [RollupMark(zone_id=zone) for zone in chunk], ignore_conflicts=True
            )
            marks = _marks_locked(RollupMark.objects.filter(zone_id__in=chunk))
            computed_at = timezone.now()
            RateRollup.objects.filter(zone_id__in=chunk).delete()
            _rollup_insert(chunk, as_of)
            marks.update(as_of=as_of, computed_at=computed_at)
    return len(zones)


def rollup_marks_blank(*, zone_ids: set[int]) -> None:
    """After a change no date records (a deletion, a move, an edited enrollment): the zones
    are read live until their next refresh. Upserts, so that a mark a refresh is about to
    create is locked by this transaction, and the refresh waits for its commit."""
    zones = sorted(zone for zone in zone_ids if zone is not None)
    if not zones:
        return
    RollupMark.objects.bulk_create(
        [RollupMark(zone_id=zone) for zone in zones],
        update_conflicts=True,
        unique_fields=["zone"],
        update_fields=["as_of", "computed_at"],
    )


def _marks_locked(marks):
    """As notifications.services._lock_in_order: the marks locked in zone order first."""
    locked = list(marks.select_for_update().order_by("pk").values_list("pk", flat=True))
    return RollupMark.objects.filter(pk__in=locked)


def _rollup_insert(zone_ids: list[int], as_of: datetime.date) -> None:
    """One INSERT … SELECT: the zones' enrollments grouped by the rollup's key, each figure
    counted as ``selectors._aggregates`` counts it."""
    with_output = Q(project__actual_annual_output__isnull=False) & Q(
        project__target_annual_output__isnull=False
    )
    zero = Decimal("0")
    rows = (
        Enrollment.objects.filter(project__zone_id__in=zone_ids)
        .annotate(
            rollup_zone=F("project__zone_id"),
            rollup_terminated=ExpressionWrapper(
                # Not null first: a comparison with null is null, which the column refuses.
                Q(project__terminated_on__isnull=False, project__terminated_on__lte=as_of),
                output_field=BooleanField(),
            ),
            rollup_industry=ExpressionWrapper(
                Q(project__category=Project.Category.INDUSTRY), output_field=BooleanField()
            ),
        )
        .order_by()
        .values("rollup_zone", "activity_id", "kind", "rollup_terminated", "rollup_industry")
        .annotate(
            rollup_count=Count("id"),
            rollup_total=Sum("project__total_investment", default=zero),
            **{
                f"rollup_{ROLLED_UP[rate]}": Count(
                    "id", filter=Q(**{f"project__{field}__lte": as_of})
                )
                for rates in RATES.values()
                for rate, field in rates.items()
            },
            rollup_output_actual=Sum(
                "project__actual_annual_output", filter=with_output, default=zero
            ),
            rollup_output_target=Sum(
                "project__target_annual_output", filter=with_output, default=zero
            ),
        )
    )
    names = list(rows.query.selected)  # the SELECT's columns, in order
    fields = {
        "rollup_zone": "zone",
        "activity_id": "activity",
        "rollup_terminated": "terminated",
        "rollup_industry": "industry",
        "rollup_count": "count",
        "rollup_total": "total_investment",
        "rollup_output_actual": "output_actual",
        "rollup_output_target": "output_target",
        **{f"rollup_{name}": name for name in ROLLED_UP.values()},
    }
    meta, quote = RateRollup._meta, connection.ops.quote_name
    columns = [quote(meta.get_field(fields.get(name, name)).column) for name in names]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) {sql}", params)
