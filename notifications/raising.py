"""The scan's writes as a few set-based statements, whatever the number of projects.

``notifications.services`` decides the policy (the ladder, who hears, when an e-mail may go);
this module is where it becomes SQL, the only raw SQL of the app, written for PostgreSQL and
SQLite alike (both take ``INSERT … SELECT … ON CONFLICT DO NOTHING``; SQLite since 3.24).

A pass copies its findings once into a temporary table (``scan_finding``: the stall, milestone,
problem and letter-reply rows of ``workflow.findings`` and ``letter_reply_rows``, run as
subqueries), then each write is one ``INSERT … SELECT`` from it: alerts (one per finding and
recipient, at the highest level naming them, skipping the rows the dedup key already holds),
deliveries from the alerts the pass stamped with its token, interviews, and letters numbered
with ``row_number()`` after the city's sequence row is locked. Nothing is built per row in
Python, so a re-scan that finds nothing new costs about the findings' query.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from notifications.models import (
    Alert,
    Channel,
    Delivery,
    Interview,
    Letter,
    LetterSequence,
    Preference,
)
from projects.models import Membership
from workflow.findings import SUBJECT_LENGTH
from workflow.models import Rule

TABLE = "scan_finding"
WORK_MEM = "64MB"
ANALYZE_FROM = 100_000  # findings
# The order a pass lists its findings in: letters are numbered in it.
STALL, MILESTONE, PROBLEM, LETTER_REPLY = range(4)


@dataclass(frozen=True)
class LevelBranch:
    """One ladder level as the alert insert sees it: its rank, from how many days over, for
    which rules (the rules that may climb this far), and who hears."""

    rank: int
    level: str
    starts_at_days: int
    rules: Sequence[str]
    to_officer: bool
    to_leader: bool
    to_zone_leaders: bool
    to_supervisors: bool


@dataclass(frozen=True)
class Recheck:
    """Which findings a pass looks at (``services._recheck`` decides, from each zone's
    ``ScanMark``): every finding of ``full_zones``; in each group of other zones whose last
    pass was ``days`` ago, only the findings of projects changed since ``changed_since`` and
    those whose days over reached one of ``steps`` in those days. A finding nothing
    touched moves one day over a day, so it reached step ``e`` in that time exactly when
    ``days_over >= e`` today and ``days_over - days < e``."""

    full_zones: Sequence[int]
    groups: Sequence[tuple[Sequence[int], int, datetime.datetime]]  # zones, days, changed since
    steps: Sequence[int]

    @property
    def everything(self) -> bool:
        return not self.groups

    def where(self) -> tuple[str, list]:
        """The condition on a finding row ``s`` (its f_zone, f_changed and f_days)."""
        parts, params = [], []
        if self.full_zones:
            placeholders, zones = _in(self.full_zones)
            parts.append(f"s.f_zone IN ({placeholders})")
            params += zones
        for zones, days, changed_since in self.groups:
            moved = ["s.f_changed >= %s"]
            moved_params = [connection.ops.adapt_datetimefield_value(changed_since)]
            if days > 0:
                for step in self.steps:
                    moved.append("(s.f_days >= %s AND s.f_days < %s)")
                    moved_params += [step, step + days]
            if not self.full_zones and len(self.groups) == 1:
                # Every zone in one group: no list of them to test each row against.
                parts.append(f"({' OR '.join(moved)})")
                params += moved_params
                continue
            placeholders, zone_params = _in(zones)
            parts.append(f"(s.f_zone IN ({placeholders}) AND ({' OR '.join(moved)}))")
            params += [*zone_params, *moved_params]
        return " OR ".join(parts), params


def zones_with_findings(*, sources: Sequence[tuple[int, QuerySet]], recheck: Recheck) -> set[int]:
    """The zones holding a finding ``recheck`` asks about, in one statement."""
    where, where_params = recheck.where()
    selects, params = [], []
    for _kind, rows in sources:
        sql, row_params = rows.query.sql_with_params()
        selects.append(f"SELECT s.f_zone FROM ({sql}) s WHERE {where}")
        params += [*row_params, *where_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(selects), params)
        return {zone for (zone,) in cursor.fetchall()}


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _quoted(model._meta.db_table)


def _date_text(expression: str) -> str:
    """A date as ``YYYY-MM-DD`` text (SQLite keeps dates as that text already)."""
    if connection.vendor == "postgresql":
        return f"to_char({expression}, 'YYYY-MM-DD')"
    return f"CAST({expression} AS TEXT)"


def _text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _in(values: Iterable) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def _case(expression: str, mapping: Sequence[tuple[object, str, list]]) -> tuple[str, list]:
    """``CASE expression WHEN value THEN sql …`` with each branch's own parameters."""
    sql, params = [f"CASE {expression}"], []
    for value, then, then_params in mapping:
        sql.append(f"WHEN %s THEN {then}")
        params += [value, *then_params]
    sql.append("END")
    return " ".join(sql), params


def _sentence_sql(template: str, columns: dict[str, str]) -> tuple[str, list]:
    """A ``%(name)s`` sentence as a SQL concatenation of its literal parts (as parameters) and
    the columns: exactly what ``template % values`` gives, with no second substitution."""
    parts, params = [], []
    position = 0
    for match in re.finditer(r"%\((\w+)\)s|%%", template):
        literal = template[position : match.start()]
        position = match.end()
        if match.group(0) == "%%":
            literal += "%"
            parts.append("CAST(%s AS TEXT)")
            params.append(literal)
            continue
        if literal:
            parts.append("CAST(%s AS TEXT)")
            params.append(literal)
        parts.append(columns[match.group(1)])
    if template[position:]:
        parts.append("CAST(%s AS TEXT)")
        params.append(template[position:])
    return "(" + " || ".join(parts or ["''"]) + ")", params


def _level_rank_sql(expression: str, levels: Sequence[str]) -> tuple[str, list]:
    return _case(expression, [(level, str(rank), []) for rank, level in enumerate(levels)])


def _run(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


class Findings:
    """One pass's findings, held in a temporary table for the pass's statements.

    Use as a context manager inside the pass's transaction; the table goes with it.
    """

    def __init__(
        self,
        *,
        sources: Sequence[tuple[int, QuerySet]],
        as_of: datetime.date,
        recheck: Recheck | None = None,
    ):
        self.sources = sources
        self.as_of = as_of
        self.recheck = recheck
        self.empty = False

    # -- the table ------------------------------------------------------------------------

    def __enter__(self) -> Findings:
        where, where_params = "", []
        if self.recheck is not None and not self.recheck.everything:
            where, where_params = self.recheck.where()
        selects, params = [], []
        for kind, rows in self.sources:
            sql, row_params = rows.query.sql_with_params()
            select = self._select(kind, f"({sql})")
            selects.append(f"{select} WHERE {where}" if where else select)
            params += [*row_params, *where_params]
        if connection.vendor == "postgresql":
            # For this transaction only: the pass's hashes and sorts are of every finding of a
            # city, in memory, not on disk; and no JIT. A city's statements cost enough to be
            # compiled (from a cost of 100,000, optimized from 500,000: a city of 40,000
            # projects), which took half a second a statement, more than running them, since
            # their time goes to writing rows, not to evaluating expressions.
            _run(
                "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                [WORK_MEM],
            )
        _run(f"DROP TABLE IF EXISTS {TABLE}")
        found = _run(f"CREATE TEMPORARY TABLE {TABLE} AS " + " UNION ALL ".join(selects), params)
        if connection.vendor == "postgresql":
            self.empty = found == 0
            if found > ANALYZE_FROM:
                # Without statistics the planner takes a big table for a small one: it sorts
                # on disk and probes the alerts' index row by row. A sample costs less.
                _run(f"ANALYZE {TABLE}")
        else:  # SQLite does not count the rows of CREATE TABLE … AS
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
                self.empty = cursor.fetchone() is None
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            _run(f"DROP TABLE IF EXISTS {TABLE}")

    @staticmethod
    def _select(kind: int, rows: str) -> str:
        """Each source's row as the fields of ``workflow.findings.Finding`` (ord, project_id,
        rule, due_period, days_over, since and its text, subject) and what the writes need of
        the project (zone_id, name, officer_id, leader_id), so they join no other table."""
        project = (
            "s.f_project AS project_id, s.f_zone AS zone_id, s.f_name AS name, "
            "s.f_officer AS officer_id, s.f_leader AS leader_id"
        )
        if kind == STALL:
            period = _date_text("s.f_since")
            return (
                f"SELECT {kind} AS ord, {project}, s.f_rule AS rule, {period} AS due_period, "
                f"s.f_days AS days_over, s.f_since AS since, {period} AS since_text, "
                f"'' AS subject FROM {rows} s"
            )
        date_column, subject, rule = {
            MILESTONE: (
                "s.f_planned",
                "s.f_title",
                f"CASE WHEN s.f_days > 0 THEN '{Rule.MILESTONE_OVERDUE.value}' "
                f"ELSE '{Rule.MILESTONE_DUE.value}' END",
            ),
            PROBLEM: (
                "s.f_deadline",
                f"SUBSTR(s.f_description, 1, {SUBJECT_LENGTH})",
                f"'{Rule.PROBLEM_OVERDUE.value}'",
            ),
            LETTER_REPLY: ("s.f_due", "s.f_number", f"'{Rule.LETTER_REPLY_OVERDUE.value}'"),
        }[kind]
        date = _date_text(date_column)
        return (
            f"SELECT {kind} AS ord, {project}, {rule} AS rule, "
            f"{_text('s.f_pk')} || '@' || {date} AS due_period, "
            "CASE WHEN s.f_days > 0 THEN s.f_days ELSE 0 END AS days_over, "
            f"{date_column} AS since, {date} AS since_text, {subject} AS subject FROM {rows} s"
        )

    def _message_sql(self, sentences: dict[str, str]) -> tuple[str, list]:
        columns = {
            "project": "f.name",
            "days": _text("f.days_over"),
            "since": "f.since_text",
            "subject": "f.subject",
        }
        return _case(
            "f.rule",
            [(rule, *_sentence_sql(sentence, columns)) for rule, sentence in sentences.items()],
        )

    # -- the writes -----------------------------------------------------------------------

    def drop_acknowledged(self) -> None:
        """Findings someone acknowledged climb no further (where the city says so)."""
        _run(
            f"DELETE FROM {TABLE} WHERE EXISTS (SELECT 1 FROM {_table(Alert)} a "
            f"WHERE a.project_id = {TABLE}.project_id AND a.rule = {TABLE}.rule "
            f"AND a.due_period = {TABLE}.due_period AND a.acknowledged_at IS NOT NULL)"
        )

    def raise_alerts(
        self,
        *,
        branches: Sequence[LevelBranch],
        levels: Sequence[str],
        city_id: int,
        roles: tuple[str, str],
        sentences: dict[str, str],
        created_at: datetime.datetime,
        token: str,
    ) -> int:
        """One alert per finding and person on the ladder up to the level reached, at the
        highest level naming them; rows the dedup key holds are skipped (and a concurrent
        scan's, by ``ON CONFLICT``). Inserted in key order, so two scans never deadlock.

        """
        zone_leader, supervisor = roles
        membership, user = _table(Membership), _table(get_user_model())
        heard, params = [], []
        for branch in branches:
            placeholders, rules = _in(branch.rules)
            if not rules:
                continue
            reached = f"f.days_over >= %s AND f.rule IN ({placeholders})"
            head = "SELECT f.project_id, f.rule, f.due_period, {who} AS recipient_id, "
            head += f"{branch.rank} AS rank FROM {TABLE} f "
            for column, wanted in (
                ("officer_id", branch.to_officer),
                ("leader_id", branch.to_leader),
            ):
                if wanted:
                    heard.append(
                        head.format(who=f"f.{column}")
                        + f"WHERE {reached} AND f.{column} IS NOT NULL"
                    )
                    params += [branch.starts_at_days, *rules]
            if branch.to_zone_leaders:
                heard.append(
                    head.format(who="m.user_id")
                    + f"JOIN {membership} m ON m.zone_id = f.zone_id AND m.role = %s "
                    f"JOIN {user} u ON u.id = m.user_id AND u.is_active WHERE {reached}"
                )
                params += [zone_leader, branch.starts_at_days, *rules]
            if branch.to_supervisors:
                heard.append(
                    head.format(who="m.user_id")
                    + f"JOIN {membership} m ON m.city_id = %s AND m.role = %s "
                    f"JOIN {user} u ON u.id = m.user_id AND u.is_active WHERE {reached}"
                )
                params += [city_id, supervisor, branch.starts_at_days, *rules]
        if not heard:
            return 0
        level_sql, level_params = _case(
            "MAX(c.rank)", [(rank, "%s", [level]) for rank, level in enumerate(levels)]
        )
        message_sql, message_params = self._message_sql(sentences)
        alert = _table(Alert)
        # The missing rows are found on the keys alone (a materialized CTE, so the planner
        # does not join the findings first) and only they are joined to their findings. (The WITH
        # goes after INSERT: Python's sqlite3 counts the rows only of a statement starting so.)
        return _run(
            f"INSERT INTO {alert} (recipient_id, project_id, rule, level, due_period, message, "
            "days_over, created_at, acknowledged_at, scan) "
            f"WITH h AS MATERIALIZED (SELECT g.* FROM ("
            "SELECT c.project_id, c.rule, c.due_period, c.recipient_id, "
            f"{level_sql} AS level FROM ("
            + " UNION ALL ".join(heard)
            + ") c GROUP BY c.project_id, c.rule, c.due_period, c.recipient_id) g "
            f"WHERE NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.recipient_id = g.recipient_id "
            "AND a.rule = g.rule AND a.project_id = g.project_id AND a.level = g.level "
            "AND a.due_period = g.due_period)) "
            f"SELECT h.recipient_id, f.project_id, f.rule, h.level, f.due_period, {message_sql}, "
            f"f.days_over, %s, NULL, %s FROM h JOIN {TABLE} f "
            "ON f.project_id = h.project_id AND f.rule = h.rule AND f.due_period = h.due_period "
            "WHERE 1 = 1 ORDER BY h.recipient_id, h.rule, h.project_id, h.level, h.due_period "
            "ON CONFLICT DO NOTHING",
            [
                *level_params,
                *params,
                *message_params,
                connection.ops.adapt_datetimefield_value(created_at),
                token,
            ],
        )

    def raise_interviews(self, *, starts: dict[str, int]) -> int:
        """The interview list: each finding at the interview level, once."""
        if not starts:
            return 0
        reached, params = self._reached(starts)
        interview = _table(Interview)
        return _run(
            f"INSERT INTO {interview} (project_id, zone_id, rule, due_period, since, days_over, "
            "listed_on, closed_on) "
            "SELECT f.project_id, f.zone_id, f.rule, f.due_period, f.since, f.days_over, %s, NULL "
            f"FROM {TABLE} f WHERE ({reached}) AND NOT EXISTS (SELECT 1 FROM {interview} i "
            "WHERE i.project_id = f.project_id AND i.rule = f.rule AND i.due_period = f.due_period) "
            "ORDER BY f.project_id, f.rule, f.due_period ON CONFLICT DO NOTHING",
            [connection.ops.adapt_datefield_value(self.as_of), *params],
        )

    @staticmethod
    def _reached(starts: dict[str, int]) -> tuple[str, list]:
        sql = " OR ".join(["(f.rule = %s AND f.days_over >= %s)"] * len(starts))
        return sql, [value for item in starts.items() for value in item]

    def letters_due(self, *, starts: dict[str, int]) -> bool:
        """Whether a finding reached the letter level without a letter (before the lock)."""
        if not starts:
            return False
        reached, params = self._reached(starts)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {TABLE} f WHERE ({reached}) AND NOT EXISTS (SELECT 1 FROM "
                f"{_table(Letter)} l WHERE l.project_id = f.project_id AND l.rule = f.rule "
                "AND l.due_period = f.due_period) LIMIT 1",
                params,
            )
            return cursor.fetchone() is not None

    def issue_letters(
        self,
        *,
        starts: dict[str, int],
        city_id: int,
        prefix: str,
        reply_days: int,
        sentences: dict[str, str],
    ) -> int:
        """The letters of the findings at the letter level, numbered on from the city's
        sequence row (locked here until the pass commits: no gaps, no twins; a second scan
        waiting on it then sees these letters and skips them)."""
        year = self.as_of.year
        locked = LetterSequence.objects.select_for_update()
        sequence = locked.filter(city_id=city_id, year=year).first()
        if sequence is None:  # the city's first letter of the year
            LetterSequence.objects.get_or_create(city_id=city_id, year=year)
            sequence = locked.get(city_id=city_id, year=year)
        reached, params = self._reached(starts)
        message_sql, message_params = self._message_sql(sentences)
        letter = _table(Letter)
        serial = f"({sequence.last} + f.rn)"
        # Numbered and inserted in one order: the outer ORDER BY names the window's keys, not
        # rn, so the rows come out of the window already sorted (ordered by rn, PostgreSQL
        # sorted them all again).
        numbered = ["ord", "days_over DESC", "project_id", "rule", "due_period"]
        issued = _run(
            f"INSERT INTO {letter} (city_id, year, serial, number, project_id, zone_id, rule, "
            "due_period, finding, days_over, issued_on, reply_due_on, replied_on, reply) "
            f"SELECT %s, %s, {serial}, CAST(%s AS TEXT) || {_text(serial)} || CAST(%s AS TEXT), "
            f"f.project_id, f.zone_id, f.rule, f.due_period, {message_sql}, f.days_over, %s, %s, "
            "NULL, '' FROM (SELECT s.*, ROW_NUMBER() OVER "
            f"(ORDER BY {', '.join('s.' + key for key in numbered)}) AS rn "
            f"FROM {TABLE} s WHERE ({reached.replace('f.', 's.')}) "
            f"AND NOT EXISTS (SELECT 1 FROM {letter} l WHERE l.project_id = s.project_id "
            "AND l.rule = s.rule AND l.due_period = s.due_period)) f "
            f"ORDER BY {', '.join('f.' + key for key in numbered)}",
            [
                city_id,
                year,
                f"{prefix}〔{year}〕",
                "号",
                *message_params,
                connection.ops.adapt_datefield_value(self.as_of),
                connection.ops.adapt_datefield_value(
                    self.as_of + datetime.timedelta(days=reply_days)
                ),
                *params,
            ],
        )
        if issued:
            sequence.last += issued
            sequence.save(update_fields=["last"])
        return issued


def _stamped() -> str:
    """The pass's findings ``f`` and the alerts ``a`` of each that carry the token (the one
    parameter): found by the alert_finding index, so the token needs no index of its own (one
    index fewer for every alert inserted). On PostgreSQL the alerts are looked up finding by
    finding (``LATERAL``, ``OFFSET 0`` keeping the planner from flattening it): the planner
    cannot know that a token no pass has committed holds many rows, and estimating one, it
    would read the whole alerts table and join it to the findings row by row."""
    alert = _table(Alert)
    if connection.vendor == "postgresql":
        return (
            f"{TABLE} f CROSS JOIN LATERAL (SELECT a.id, a.recipient_id, a.project_id, a.rule, "
            f"a.due_period, a.level FROM {alert} a WHERE {_OF_FINDING} AND a.scan = %s "
            "OFFSET 0) a"
        )
    return f"{TABLE} f JOIN {alert} a ON {_OF_FINDING} AND a.scan = %s"


_OF_FINDING = "a.project_id = f.project_id AND a.rule = f.rule AND a.due_period = f.due_period"


def create_deliveries(
    *,
    token: str,
    city_id: int,
    levels: Sequence[str],
    now: datetime.datetime,
    digest_at: datetime.datetime,
    quiet: Sequence[tuple[datetime.time, datetime.time, datetime.datetime]],
) -> int:
    """The outbox rows of the alerts stamped ``token``: an e-mail per alert whose recipient has
    an address and wants it, at the time their preference says (``digest_at`` for a digest, the
    matching quiet hours' end, else now); a robot message per finding and level for each enabled
    robot of the project's zone or of the city, from its minimum level. Inside the pass: the
    alerts are those of the pass's findings that carry the token (``_stamped``), and the
    project's zone comes from the findings table, not from the projects (whose whole table the
    planner would hash, misjudging how few alerts a token holds)."""
    ops = connection.ops
    when = ["CASE WHEN pr.id IS NULL THEN %s WHEN pr.daily_digest THEN %s"]
    when_params = [ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(digest_at)]
    for start, end, at in quiet:
        when.append("WHEN pr.quiet_from = %s AND pr.quiet_until = %s THEN %s")
        when_params += [
            ops.adapt_timefield_value(start),
            ops.adapt_timefield_value(end),
            ops.adapt_datetimefield_value(at),
        ]
    when.append("ELSE %s END")
    when_params.append(ops.adapt_datetimefield_value(now))
    delivery = _table(Delivery)
    user, membership = _table(get_user_model()), _table(Membership)
    columns = (
        f"INSERT INTO {delivery} (alert_id, kind, channel_id, {_quoted('key')}, status, attempts, "
        "next_attempt_at, lease_until, claimed_by, sent_at, last_error, created_at) "
    )
    emails = _run(
        columns + f"SELECT a.id, %s, NULL, 'email:' || {_text('a.id')}, %s, 0, {' '.join(when)}, "
        f"NULL, '', NULL, '', %s FROM {_stamped()} JOIN {user} u ON u.id = a.recipient_id "
        f"LEFT JOIN {_table(Preference)} pr ON pr.user_id = a.recipient_id "
        "WHERE (pr.id IS NULL OR pr.email) AND u.email IS NOT NULL "
        f"AND u.email <> '' AND EXISTS (SELECT 1 FROM {membership} m "
        "WHERE m.user_id = a.recipient_id) ORDER BY a.id ON CONFLICT DO NOTHING",
        [
            Delivery.Kind.EMAIL,
            Delivery.Status.PENDING,
            *when_params,
            ops.adapt_datetimefield_value(now),
            token,
        ],
    )
    alert_rank, alert_rank_params = _level_rank_sql("g.level", levels)
    robot_rank, robot_rank_params = _level_rank_sql("ch.min_level", levels)
    key = " || ':' || ".join(
        [_text("ch.id"), _text("g.project_id"), "g.rule", "g.due_period", "g.level"]
    )
    robots = _run(
        columns + f"SELECT g.alert_id, ch.kind, ch.id, {key}, %s, 0, %s, NULL, '', NULL, '', %s "
        "FROM (SELECT MIN(a.id) AS alert_id, a.project_id, a.rule, a.due_period, a.level, "
        f"f.zone_id FROM {_stamped()} GROUP BY a.project_id, a.rule, a.due_period, a.level, f.zone_id) g "
        f"JOIN {_table(Channel)} ch ON ch.enabled AND (ch.zone_id = g.zone_id OR ch.city_id = %s) "
        f"WHERE {alert_rank} >= {robot_rank} ORDER BY g.alert_id, ch.id ON CONFLICT DO NOTHING",
        [
            Delivery.Status.PENDING,
            ops.adapt_datetimefield_value(now),
            ops.adapt_datetimefield_value(now),
            token,
            city_id,
            *alert_rank_params,
            *robot_rank_params,
        ],
    )
    return emails + robots
