"""Raising alerts from findings, and the outbox that sends them: raise, claim, send, sweep, cancel.

The scan is Healthchecks' ``sendalerts`` split in two: ``workflow.findings`` finds (reads only,
set-based SQL); ``zone_scan`` here raises, in one transaction per zone (``scan``: per city), as
a few ``INSERT … SELECT … ON CONFLICT DO NOTHING`` statements against the unique keys
(``notifications.raising``): alerts, then the delivery rows, interviews and letters, then
``transaction.on_commit`` to queue the sending. Sending claims each row with a compare-and-set on
its status, so two workers never send one row, and a worker that dies mid-send leaves a lease the
sweeper ends.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, DateField, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from notifications import raising
from notifications.models import (
    Alert,
    Channel,
    Delivery,
    Interview,
    Letter,
    LetterSettings,
    Preference,
    ScanMark,
)
from notifications.transports import (
    DingTalkTransport,
    EmailTransport,
    Message,
    TransportError,
    WeComTransport,
)
from notifications.workdays import is_working_day, next_working_morning
from projects.errors import NotFound
from projects.models import City, Project, Zone
from projects.roles import Role
from projects.selectors import DaysBetween
from workflow.findings import (
    Finding,
    finding_columns,
    findings,
    milestone_rows,
    problem_rows,
    stall_rows,
)
from workflow.models import CityRules, EscalationLevel, Level, Rule

logger = logging.getLogger(__name__)

LEVELS = list(Level.values)  # lowest first
# Rules that climb only so far: a reminder before a milestone is a reminder, and a letter
# that is not answered is a warning, not another letter.
HIGHEST_LEVEL = {Rule.MILESTONE_DUE: Level.REMINDER, Rule.LETTER_REPLY_OVERDUE: Level.WARNING}
DIGEST_AT = datetime.time(8, 30)


# ---------------------------------------------------------------------------------------------
# The scan


def scan(
    *, as_of: datetime.date | None = None, zone_code: str | None = None, full: bool = False
) -> int:
    """Every zone (or one) in this process; the number of alerts created.

    Every zone is one pass per city (the same statements as a zone's, over the city's zones),
    so a national scan costs a few statements per city, not per zone; the Celery fan-out runs
    the same passes, one task per city, on whichever workers are free. ``full``: check every
    finding, not only what moved since each zone's last pass.
    """
    if zone_code is not None:
        zone = Zone.objects.filter(code=zone_code).values("pk", "city_id").first()
        if zone is None:
            raise NotFound(_("There is no zone with the code “%(code)s”.") % {"code": zone_code})
        if full:
            scan_marks_invalidate(zone_ids=[zone["pk"]])
        return _scan_pass(city_id=zone["city_id"], zone_id=zone["pk"], as_of=as_of)
    if full:
        scan_marks_invalidate()
    as_of = as_of or timezone.localdate()
    cities = scan_cities_to_check(as_of=as_of)
    return sum(city_scan(city_id=city_id, as_of=as_of) for city_id in cities)


def scan_cities_to_check(*, as_of: datetime.date) -> list[int]:
    """The cities holding a zone ``scan_zones_to_check`` finds busy, in id order: the unit of
    the scan, in process and fanned out alike (a city's pass covers its zones in the same
    statements, and its letters are numbered under one lock of the city's sequence)."""
    busy = scan_zones_to_check(as_of=as_of)
    return list(
        Zone.objects.filter(pk__in=busy)
        .order_by("city_id")
        .values_list("city_id", flat=True)
        .distinct()
    )


def scan_zones_to_check(*, as_of: datetime.date) -> list[int]:
    """The zones whose pass may raise something as of ``as_of``; the others' marks are moved
    on here, so a national re-run that finds nothing new is one query over the country, not a
    pass per city.

    One statement asks which zones hold a finding their last pass left (``raising.Recheck``),
    with the milestones of every city's reminder days, and the first day of each (a zone it
    flags without need only costs its pass). Zones due a full check are always checked.
    """
    started = timezone.now()
    zone_ids = list(Zone.objects.order_by("pk").values_list("pk", flat=True))
    marks = scan_marks_read(zone_ids)
    ladder = EscalationLevel.objects.ladder()
    reminder_days = {
        CityRules._meta.get_field("milestone_reminder_days").default,
        *CityRules.objects.values_list("milestone_reminder_days", flat=True),
    }
    recheck = _recheck(marks, as_of=as_of, ladder=ladder, reminder_days=reminder_days)
    if recheck.everything:
        return zone_ids
    moved = raising.Recheck(full_zones=[], groups=recheck.groups, steps=recheck.steps)
    sources = _finding_sources(Project.objects.all(), as_of=as_of, reminder_days=max(reminder_days))
    busy = set(recheck.full_zones) | raising.zones_with_findings(sources=sources, recheck=moved)
    quiet = {zone_id: mark for zone_id, mark in marks.items() if zone_id not in busy}
    with transaction.atomic():
        _scan_marks_record(quiet, as_of=as_of, started=started, recheck=moved)
    return sorted(busy)


def city_scan(*, city_id: int, as_of: datetime.date | None = None) -> int:
    """Every zone of one city in one pass; the number of alerts created."""
    return _scan_pass(city_id=city_id, zone_id=None, as_of=as_of)


def zone_scan(*, zone_id: int, as_of: datetime.date | None = None) -> int:
    """Find, raise and queue for one zone; the number of alerts this call created.

    Idempotent: a re-run, or a second scan at once, inserts nothing the first did.
    """
    city_id = Zone.objects.values_list("city_id", flat=True).get(pk=zone_id)
    return _scan_pass(city_id=city_id, zone_id=zone_id, as_of=as_of)


def _scan_pass(*, city_id: int, zone_id: int | None, as_of: datetime.date | None) -> int:
    """One zone's (or, with ``zone_id`` None, a whole city's) findings raised in one
    transaction: alerts, deliveries, interviews, letters, each one set-based statement
    (``notifications.raising``), then the sending queued after commit. A fixed number of
    queries whatever the number of projects and findings.

    Only the findings that may need something are raised (``scan_marks_read``): a re-run that
    finds nothing new writes nothing but the zones' marks.
    """
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    if zone_id is None:
        projects = Project.objects.filter(zone__city_id=city_id)
        zone_ids = list(
            Zone.objects.filter(city_id=city_id).order_by("pk").values_list("pk", flat=True)
        )
    else:
        projects = Project.objects.filter(zone_id=zone_id)
        zone_ids = [zone_id]
    # The marks before the rules: a rule changed after this read is counted in the marks.
    marks = scan_marks_read(zone_ids)
    rules = CityRules.of(city_id)
    ladder = EscalationLevel.objects.ladder()
    reminder_days = rules.milestone_reminder_days
    recheck = _recheck(marks, as_of=as_of, ladder=ladder, reminder_days={reminder_days})
    sources = _finding_sources(projects, as_of=as_of, reminder_days=reminder_days)
    with (
        transaction.atomic(),
        raising.Findings(sources=sources, as_of=as_of, recheck=recheck) as found,
    ):
        created = 0
        if not found.empty:
            created = _raise(found, city_id=city_id, rules=rules, ladder=ladder)
        _scan_marks_record(marks, as_of=as_of, started=started, recheck=recheck)
    return created


def _finding_sources(
    projects, *, as_of: datetime.date, reminder_days: int
) -> list[tuple[int, object]]:
    """The finding rows of ``projects`` (``workflow.findings``, and the unanswered letters)."""
    return [
        (raising.STALL, stall_rows(projects, as_of=as_of)),
        (raising.MILESTONE, milestone_rows(projects, as_of=as_of, reminder_days=reminder_days)),
        (raising.PROBLEM, problem_rows(projects, as_of=as_of)),
        (raising.LETTER_REPLY, letter_reply_rows(projects, as_of=as_of)),
    ]


def _raise(
    found: raising.Findings, *, city_id: int, rules: CityRules, ladder: list[EscalationLevel]
) -> int:
    """A pass's findings raised: alerts, then their deliveries, interviews and letters; the
    sending queued after commit. The number of alerts created."""
    now = timezone.now()
    token = uuid.uuid4().hex
    sentences = alert_sentences()
    if rules.ack_stops_climb:
        found.drop_acknowledged()
    created = found.raise_alerts(
        branches=_branches(ladder),
        levels=LEVELS,
        city_id=city_id,
        roles=(Role.ZONE_LEADER, Role.SUPERVISOR),
        sentences=sentences,
        created_at=now,
        token=token,
    )
    if created and raising.create_deliveries(
        token=token,
        city_id=city_id,
        levels=LEVELS,
        now=now,
        digest_at=next_working_morning(now, DIGEST_AT),
        quiet=_quiet_hours_ends(now),
    ):
        transaction.on_commit(_queue_sending)
    found.raise_interviews(starts=_starts(ladder, Level.INTERVIEW))
    letter_starts = _starts(ladder, Level.LETTER)
    if found.letters_due(starts=letter_starts):
        options = LetterSettings.of(City.objects.get(pk=city_id))
        found.issue_letters(
            starts=letter_starts,
            city_id=city_id,
            prefix=options.number_prefix,
            reply_days=options.reply_days,
            sentences=sentences,
        )
    return created


# What a pass may leave to the next: a write stamps its row before it commits, so the next pass
# re-checks the rows stamped up to this long before this one started (a transaction held open
# longer than this between its writes and its commit could go unseen until the weekly full
# check; the longest, a 10,000-row ledger import, takes seconds).
UNCOMMITTED_MARGIN = datetime.timedelta(minutes=15)
# However little changed, a zone's findings are all checked again this often.
FULL_CHECK_EVERY = datetime.timedelta(days=7)


def scan_marks_read(zone_ids: list[int]) -> dict[int, ScanMark]:
    """The zones' marks, created (blank: check everything) for zones never scanned. Read before
    the rules, outside the pass's transaction, so the rows exist for a concurrent
    ``scan_marks_invalidate`` to count up."""
    marks = ScanMark.objects.in_bulk(zone_ids)
    missing = [ScanMark(zone_id=zone) for zone in zone_ids if zone not in marks]
    if missing:
        # A blank mark whatever another scan created meanwhile: its count, if it was counted
        # up, then differs from what this pass records, which asks for a full check again.
        ScanMark.objects.bulk_create(missing, ignore_conflicts=True)
        marks.update({mark.zone_id: mark for mark in missing})
    return marks


def _recheck(
    marks: dict[int, ScanMark],
    *,
    as_of: datetime.date,
    ladder: list[EscalationLevel],
    reminder_days: set[int],
) -> raising.Recheck:
    """What the pass must look at, zone by zone (``raising.Recheck``)."""
    full, groups, since = [], {}, {}
    for zone_id, mark in sorted(marks.items()):
        if _needs_full_check(mark, as_of):
            full.append(zone_id)
            continue
        # Zones whose last pass was as many days ago share one condition, with the earliest
        # of their passes' starts (a few minutes apart at most: a few rows more to look at).
        days = (as_of - mark.as_of).days
        groups.setdefault(days, []).append(zone_id)
        since[days] = min(since.get(days, mark.changed_since), mark.changed_since)
    # The days over at which a finding reaches a step or first exists: a stall, an overdue
    # milestone, problem or letter reply at 1 (0 for the first step); a milestone's
    # reminder at minus the reminder days (of each city the pass covers).
    steps = sorted(
        {max(level.starts_at_days, 1) for level in ladder} | {1} | {-days for days in reminder_days}
    )
    return raising.Recheck(
        full_zones=full,
        groups=[(zones, days, since[days]) for days, zones in groups.items()],
        steps=steps,
    )


def _needs_full_check(mark: ScanMark, as_of: datetime.date) -> bool:
    return (
        mark.as_of is None
        or mark.full_on is None
        or mark.changed_since is None
        or as_of < mark.as_of
        or as_of - mark.full_on >= FULL_CHECK_EVERY
        or mark.invalidations != mark.checked
    )


def _scan_marks_record(
    marks: dict[int, ScanMark],
    *,
    as_of: datetime.date,
    started: datetime.datetime,
    recheck: raising.Recheck,
) -> None:
    """In the pass's transaction: the zones' findings are raised as of ``as_of`` for every
    row written before ``started``, against the rules of the marks' count read then."""
    if not marks:  # a national plan that found every zone busy leaves no quiet one to move on
        return
    full = set(recheck.full_zones)
    checked = {zone_id: mark.invalidations for zone_id, mark in marks.items()}
    full_on = {
        zone_id: as_of if zone_id in full else mark.full_on for zone_id, mark in marks.items()
    }
    # A CASE only where the zones differ.
    _lock_in_order(ScanMark.objects.filter(zone_id__in=sorted(marks))).update(
        as_of=as_of,
        changed_since=started - UNCOMMITTED_MARGIN,
        checked=_per_zone(checked, PositiveIntegerField()),
        full_on=_per_zone(full_on, DateField()),
    )


def _per_zone(values: dict[int, object], field) -> object:
    if len(set(values.values())) == 1:
        return next(iter(values.values()))
    return Case(
        *(When(zone_id=zone_id, then=Value(value)) for zone_id, value in values.items()),
        output_field=field,
    )


def scan_marks_invalidate(
    *, zone_ids: list[int] | None = None, city_ids: list[int] | None = None
) -> int:
    """After a change the next pass cannot see in the rows it checks (a rule, the ladder, a
    zone's category, the people who hear): the next pass of these zones, or of every zone
    when neither is given, checks every finding."""
    marks = ScanMark.objects.all()
    if zone_ids is not None or city_ids is not None:
        marks = marks.filter(Q(zone_id__in=zone_ids or []) | Q(zone__city_id__in=city_ids or []))
    with transaction.atomic():
        return _lock_in_order(marks).update(invalidations=F("invalidations") + 1)


def _lock_in_order(marks):
    """The marks locked in zone order first (in the caller's transaction), so the scan's
    passes and the admin's invalidations, which update overlapping sets of marks, never hold
    one while waiting for the other (an UPDATE alone locks rows in whatever order its plan
    reads them)."""
    locked = list(marks.select_for_update().order_by("pk").values_list("pk", flat=True))
    return ScanMark.objects.filter(pk__in=locked)


def _queue_sending() -> None:
    from notifications.tasks import deliveries_send_task

    deliveries_send_task.delay()


def _ceiling(rule: str) -> int:
    return LEVELS.index(HIGHEST_LEVEL.get(rule, Level.INTERVIEW))


def _branches(ladder: list[EscalationLevel]) -> list[raising.LevelBranch]:
    """Each level of the ladder, with the rules that may climb to it.

    Each person on the ladder up to the level reached hears once per finding, at the highest
    level that names them: after a scan that did not run for weeks, a finding found at 65 days
    tells the officer (reminder), the leaders (warning) and the supervisors (interview) once
    each, not every level it passed meanwhile.
    """
    return [
        raising.LevelBranch(
            rank=LEVELS.index(level.level),
            level=level.level,
            starts_at_days=level.starts_at_days,
            rules=[rule for rule in Rule.values if LEVELS.index(level.level) <= _ceiling(rule)],
            to_officer=level.to_officer,
            to_leader=level.to_leader,
            to_zone_leaders=level.to_zone_leaders,
            to_supervisors=level.to_supervisors,
        )
        for level in ladder
    ]


def _starts(ladder: list[EscalationLevel], at_least: str) -> dict[str, int]:
    """Per rule, the days over from which a finding has reached ``at_least`` or above (the
    letter, the interview list); rules that never climb that far are left out."""
    rank = LEVELS.index(at_least)
    starts = {}
    for rule in Rule.values:
        days = [
            level.starts_at_days
            for level in ladder
            if rank <= LEVELS.index(level.level) <= _ceiling(rule)
        ]
        if days:
            starts[rule] = min(days)
    return starts


def _quiet_hours_ends(
    now: datetime.datetime,
) -> list[tuple[datetime.time, datetime.time, datetime.datetime]]:
    """Each distinct quiet-hours choice that holds back an e-mail now, with when it may go."""
    choices = (
        Preference.objects.filter(
            daily_digest=False, quiet_from__isnull=False, quiet_until__isnull=False
        )
        .order_by("quiet_from", "quiet_until")
        .values_list("quiet_from", "quiet_until")
        .distinct()
    )
    ends = []
    for start, end in choices:
        at = delivery_time(Preference(quiet_from=start, quiet_until=end), now)
        if at != now:
            ends.append((start, end, at))
    return ends


def alert_sentences() -> dict[str, str]:
    """Each rule's sentence, translated into the product's language, with its placeholders."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            Rule.SIGNED_NOT_STARTED: _(
                "“%(project)s” signed on %(since)s and has not started: %(days)s days over."
            ),
            Rule.STARTED_NOT_PRODUCING: _(
                "“%(project)s” started on %(since)s and is not producing: %(days)s days over."
            ),
            Rule.PRODUCING_NOT_AT_TARGET: _(
                "“%(project)s” has produced since %(since)s and is not at target output: "
                "%(days)s days over."
            ),
            Rule.MILESTONE_DUE: _(
                "“%(project)s”: the milestone “%(subject)s” is due on %(since)s."
            ),
            Rule.MILESTONE_OVERDUE: _(
                "“%(project)s”: the milestone “%(subject)s” was due on %(since)s: "
                "%(days)s days over."
            ),
            Rule.PROBLEM_OVERDUE: _(
                "“%(project)s”: the problem “%(subject)s” was to be solved by %(since)s: "
                "%(days)s days over."
            ),
            Rule.LETTER_REPLY_OVERDUE: _(
                "“%(project)s”: warning letter %(subject)s was to be answered by %(since)s: "
                "%(days)s days over."
            ),
        }


# ---------------------------------------------------------------------------------------------
# Letters' replies


def letter_reply_rows(projects, *, as_of: datetime.date):
    """Letters not answered by their reply date (a finding of their own; they live here, not in
    workflow, because letters are notifications' rows): f_pk, f_project, f_zone, f_number,
    f_due, f_days."""
    return (
        Letter.objects.filter(project__in=projects, issued_on__lte=as_of, reply_due_on__lt=as_of)
        .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=as_of))
        .order_by()
        .values(
            **finding_columns(as_of=as_of, pk="pk", since="reply_due_on"),
            f_number=F("number"),
            f_due=F("reply_due_on"),
        )
    )


def letter_reply_findings(projects, *, as_of: datetime.date) -> list[Finding]:
    return [
        Finding(
            row["f_project"],
            Rule.LETTER_REPLY_OVERDUE,
            f"{row['f_pk']}@{row['f_due'].isoformat()}",
            row["f_days"],
            row["f_due"],
            row["f_number"],
        )
        for row in letter_reply_rows(projects, as_of=as_of)
    ]


# ---------------------------------------------------------------------------------------------
# The outbox: delivery rows, claims, sending, the sweeper, cancelling


def delivery_time(preference: Preference | None, now: datetime.datetime) -> datetime.datetime:
    """When an e-mail may go: at once; or at the next working morning's 08:30 for a daily
    digest; or, in quiet hours (and on any day off), the next working morning at their end."""
    if preference is None:
        return now
    if preference.daily_digest:
        return next_working_morning(now, DIGEST_AT)
    if preference.has_quiet_hours and _quiet(preference, now):
        return next_working_morning(now, preference.quiet_until)
    return now


def _quiet(preference: Preference, now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    if not is_working_day(local.date()):
        return True
    start, end, time = preference.quiet_from, preference.quiet_until, local.time()
    if start <= end:
        return start <= time < end
    return time >= start or time < end


def delivery_claim(*, delivery_id: int, token: str, now: datetime.datetime) -> bool:
    """Take one due row for sending: a compare-and-set whose 0 means someone else has it."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=Delivery.Status.SENDING,
        claimed_by=token,
        lease_until=now + settings.DELIVERY_LEASE,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def deliveries_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send every due row, one message per robot or per person at a time; the rows sent."""
    now = now or timezone.now()
    due = Delivery.objects.due(now)
    groups = set()
    for kind, channel_id, recipient_id in due.values_list(
        "kind", "channel_id", "alert__recipient_id"
    ).distinct():
        groups.add((kind, channel_id) if channel_id else (kind, None, recipient_id))
    sent = 0
    for group in sorted(groups, key=str):
        if group[1] is not None:
            sent += _send_robot(Channel.objects.get(pk=group[1]), now)
        else:
            sent += _send_email(group[2], now)
    return sent


def _claim_batch(rows, now: datetime.datetime, limit: int) -> list[Delivery]:
    token = uuid.uuid4().hex
    for pk in list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        delivery_claim(delivery_id=pk, token=token, now=now)
    return list(
        Delivery.objects.filter(claimed_by=token, status=Delivery.Status.SENDING)
        .select_related("alert__project", "alert__recipient", "channel")
        .order_by("pk")
    )


def _send_robot(channel: Channel, now: datetime.datetime) -> int:
    rows = Delivery.objects.due(now).filter(channel=channel)
    if not channel.enabled:
        rows.update(status=Delivery.Status.FAILED, last_error=_("The robot is disabled."))
        return 0
    transport_class = WeComTransport if channel.kind == Channel.Kind.WECOM else DingTalkTransport
    transport = transport_class(channel.url, channel.secret)
    sent = 0
    while rows.exists():
        slot_free_at = channel_take_slot(channel=channel, now=now)
        if slot_free_at is not None:
            rows.update(next_attempt_at=slot_free_at)
            break
        batch = _claim_batch(rows, now, settings.ROBOT_DIGEST_MAX_ITEMS)
        if not batch:
            break
        sent += _deliver(batch, transport, digest_message(batch), now, channel=channel)
        channel.refresh_from_db(fields=["enabled"])
        if not channel.enabled:
            break
    return sent


def channel_take_slot(*, channel: Channel, now: datetime.datetime) -> datetime.datetime | None:
    """One message in the robot's rate window (a compare-and-set on the channel row); None when
    taken, else the time the window frees up."""
    window = datetime.timedelta(minutes=1)
    limit = settings.ROBOT_MESSAGES_PER_MINUTE
    robots = Channel.objects.filter(pk=channel.pk)
    if robots.filter(window_started_at__gt=now - window, window_count__lt=limit).update(
        window_count=F("window_count") + 1
    ):
        return None
    if robots.filter(
        Q(window_started_at__isnull=True) | Q(window_started_at__lte=now - window)
    ).update(window_started_at=now, window_count=1):
        return None
    started = robots.values_list("window_started_at", flat=True).get()
    return started + window


def _send_email(recipient_id: int, now: datetime.datetime) -> int:
    rows = Delivery.objects.due(now).filter(
        kind=Delivery.Kind.EMAIL, alert__recipient_id=recipient_id
    )
    batch = _claim_batch(rows, now, settings.EMAIL_DIGEST_MAX_ITEMS)
    if not batch:
        return 0
    transport = EmailTransport(batch[0].alert.recipient.email)
    return _deliver(batch, transport, digest_message(batch), now)


def digest_message(batch: list[Delivery]) -> Message:
    """One alert, or several bundled into one message (as Grafana OnCall bundles a burst)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            f"- **{delivery.alert.get_level_display()}** {delivery.alert.message}"
            for delivery in batch
        ]
        if len(batch) == 1:
            alert = batch[0].alert
            title = f"{alert.get_level_display()}：{alert.project.name}"
        else:
            title = _("Project alerts (%(count)s)") % {"count": len(batch)}
        return Message(title=title, text="\n".join(lines))


def _deliver(batch, transport, message: Message, now, *, channel: Channel | None = None) -> int:
    ids = [delivery.pk for delivery in batch]
    token = batch[0].claimed_by
    mine = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_by=token)
    try:
        transport.send(message)
    except TransportError as error:
        _failed(batch, mine, error, now, channel)
        return 0
    return mine.update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        lease_until=None,
    )


def _failed(batch, mine, error: TransportError, now, channel: Channel | None) -> None:
    logger.warning("delivery failed (%s): %s", "permanent" if error.permanent else "retry", error)
    message = error.message[:300]
    if error.permanent:
        mine.update(status=Delivery.Status.FAILED, last_error=message, lease_until=None)
        if channel is not None:
            Channel.objects.filter(pk=channel.pk).update(
                enabled=False, last_error=message, last_error_at=now
            )
        return
    if channel is not None:
        Channel.objects.filter(pk=channel.pk).update(last_error=message, last_error_at=now)
    for delivery in batch:
        attempts = delivery.attempts
        row = mine.filter(pk=delivery.pk)
        if attempts >= settings.DELIVERY_MAX_ATTEMPTS:
            row.update(status=Delivery.Status.FAILED, last_error=message, lease_until=None)
        else:
            row.update(
                status=Delivery.Status.PENDING,
                last_error=message,
                lease_until=None,
                claimed_by="",
                next_attempt_at=now + retry_delay(attempts),
            )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off from one minute, capped."""
    delay = settings.DELIVERY_RETRY_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, settings.DELIVERY_RETRY_CAP)


def deliveries_sweep(*, now: datetime.datetime | None = None) -> int:
    """Rows left ``sending`` past their lease (a worker died mid-send) go back to pending."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lt=now).update(
        status=Delivery.Status.PENDING, claimed_by="", lease_until=None, next_attempt_at=now
    )


def deliveries_cancel_cleared(*, project_id: int, as_of: datetime.date | None = None) -> int:
    """After a change to a project (it moved on, a problem was solved, a milestone done, a letter
    answered): cancel the pending deliveries of findings that no longer hold, and take cleared
    findings off the interview list. The cancelled count."""
    as_of = as_of or timezone.localdate()
    # Most changes find nothing waiting: one query says so, before the findings' several.
    if not _anything_waiting(project_id):
        return 0
    pending = Delivery.objects.filter(alert__project_id=project_id, status=Delivery.Status.PENDING)
    open_interviews = Interview.objects.filter(project_id=project_id, closed_on__isnull=True)
    project = Project.objects.select_related("zone").filter(pk=project_id).first()
    if project is None:
        return 0
    rules = CityRules.of(project.zone.city_id)
    one = Project.objects.filter(pk=project_id)
    current = {
        finding.key
        for finding in [
            *findings(one, as_of=as_of, reminder_days=rules.milestone_reminder_days),
            *letter_reply_findings(one, as_of=as_of),
        ]
    }
    cleared = [
        pk
        for pk, rule, period in pending.values_list("pk", "alert__rule", "alert__due_period")
        if (project_id, rule, period) not in current
    ]
    for pk, rule, period in open_interviews.values_list("pk", "rule", "due_period"):
        if (project_id, rule, period) not in current:
            Interview.objects.filter(pk=pk).update(closed_on=as_of)
    return Delivery.objects.filter(pk__in=cleared, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED, last_error=_("The finding was cleared before sending.")
    )


def _anything_waiting(project_id: int) -> bool:
    """Whether the project has a pending delivery or an open interview.

    Every transition runs this after its commit, and most find nothing. Written out it is the same
    one statement; built by the ORM (two EXISTS nested in a query on the project) it cost about a
    millisecond of CPU, a fifth of a transition's request.
    """
    with connection.cursor() as cursor:
        cursor.execute(_waiting_sql(), [project_id, Delivery.Status.PENDING.value, project_id])
        return cursor.fetchone() is not None


def _waiting_sql() -> str:
    quote = connection.ops.quote_name
    delivery, alert, interview = Delivery._meta, Alert._meta, Interview._meta

    def column(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    return (
        f"SELECT 1 FROM {quote(delivery.db_table)} JOIN {quote(alert.db_table)}"
        f" ON {column(alert, 'id')} = {column(delivery, 'alert')}"
        f" WHERE {column(alert, 'project')} = %s AND {column(delivery, 'status')} = %s"
        f" UNION ALL SELECT 1 FROM {quote(interview.db_table)}"
        f" WHERE {column(interview, 'project')} = %s AND {column(interview, 'closed_on')} IS NULL"
        " LIMIT 1"
    )


def project_changed(*, project_id: int) -> None:
    """After the change commits (a rolled-back change cancels nothing), check whether its
    findings still hold, if the project has anything waiting (``_cancel_check_queue``)."""
    transaction.on_commit(lambda: _cancel_check_queue([project_id]))


def projects_changed(*, project_ids: list[int]) -> None:
    """``project_changed`` for many projects with one hook after the commit."""
    ids = list(project_ids)
    transaction.on_commit(lambda: _cancel_check_queue(ids))


_IDS_PER_QUERY = 2000


def _cancel_check_queue(project_ids: list[int]) -> None:
    """Queue the cancel check of the projects that have a pending delivery or an open
    interview, found here in one query per 2,000 projects; most changes have none and queue
    nothing.

    The check itself (``deliveries_cancel_cleared``: the project's findings again, about ten
    queries) runs on a worker: in the request it made a transition of a project on the
    interview list three times slower. Should the broker refuse the task, the check runs here,
    so a cleared finding is never left to go out.
    """
    from notifications.tasks import deliveries_cancel_cleared_task

    concerned = projects_waiting(project_ids)
    if not concerned:
        return
    try:
        deliveries_cancel_cleared_task.delay(concerned)
    except OperationalError:
        logger.warning("The broker refused the cancel check of %s; running it here.", concerned)
        deliveries_cancel_cleared_of(project_ids=concerned)


def deliveries_cancel_cleared_of(*, project_ids: list[int]) -> int:
    """``deliveries_cancel_cleared`` of each project; the cancelled count."""
    return sum(deliveries_cancel_cleared(project_id=project_id) for project_id in project_ids)


def projects_waiting(project_ids: list[int]) -> list[int]:
    """Those of ``project_ids`` with a pending delivery or an open interview, in id order."""
    if len(project_ids) == 1:
        return list(project_ids) if _anything_waiting(project_ids[0]) else []
    concerned: set[int] = set()
    for start in range(0, len(project_ids), _IDS_PER_QUERY):
        chunk = project_ids[start : start + _IDS_PER_QUERY]
        concerned.update(
            Delivery.objects.filter(
                alert__project_id__in=chunk, status=Delivery.Status.PENDING
            ).values_list("alert__project_id", flat=True)
        )
        concerned.update(
            Interview.objects.filter(project_id__in=chunk, closed_on__isnull=True).values_list(
                "project_id", flat=True
            )
        )
    return sorted(concerned)


# ---------------------------------------------------------------------------------------------
# The inbox


def alert_acknowledge(*, alert_id: int, by) -> Alert:
    """Mark one of ``by``'s own alerts read; acknowledging twice keeps the first time."""
    with transaction.atomic():
        alert = Alert.objects.inbox_of(by).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound()
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["acknowledged_at"])
    return alert


def interviews_of(user, *, as_of: datetime.date):
    """The interview list in ``user``'s scope, with days over as of a date."""
    return (
        Interview.objects.restrict(user)
        .filter(closed_on__isnull=True)
        .select_related("project", "zone")
        .annotate(
            days_over_now=F("days_over")
            + DaysBetween(Value(as_of, output_field=DateField()), F("listed_on"))
        )
        .order_by("-days_over_now", "pk")
    )
