"""A country of projects, written fast in SQL, with the demo planner's names and proportions.

``generate(scale)`` fills the current (empty, migrated) database with ``scale`` projects:

- ~250 cities at 1,000,000 projects (fewer at smaller scales, at least 3), grouped ten by ten
  into provinces (``City.province``); the first city is the demo's 临汾市 with its twelve zones
  and ``min(10,000, scale // 10)`` projects (the workbook figures' city);
- ~2,700 zones at 1,000,000 (proportionally fewer), each with an officer and a zone leader, and
  a supervisor per city, every one with an API token (key ``bench-<username>`` hashed);
- the demo's rounds (April and September) of 2022 to 2025 in every city;
- projects drawn from a pool of ``demo.planner.plan_project`` plans (one pool per demo zone
  kind), every date moved back by 0-2 whole years (finished projects mostly, so the stage
  proportions stay the demo's and the dates spread over five years), with their enrollments,
  milestones, problems and monthly progress;
- the transition log: each project's real history and city supervisors' corrections (a mistaken
  step and the ``correct`` back), ``LOG_ROWS_PER_PROJECT`` (10, the issue's) rows a project on
  average.

Python plans only the pool (a few thousand projects); every big table is one
``INSERT … SELECT`` over ``generate_series`` joined to the pool, so the rows pass the same check
constraints as the planner's (dates moved by whole years keep their order and first days of
months). The tests in ``tests/test_bench_generate.py`` hold the rows to the models' constraints
and ``full_clean``.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

SEED = 20251125
POOL_PER_ZONE_KIND = 400  # plans per demo zone (12 kinds): 4,800 distinct projects
BIG_CITY_MAX = 10_000
PROGRESS_MONTHS = 6  # the last months of each plan's monthly reports (the planner's are up to 12)
# Transition-log rows a project on average (the 10): each project's real history (~1.6
# rows) and supervisors' corrections, two rows each (see ``_transition_log``).
LOG_ROWS_PER_PROJECT = 10
MISTAKE_KINDS = 10  # a correction undoes one of ten mistakes (note and correction note) ...
TERMINATE_MISTAKES = 2  # ... of which two a 终止 and the others the next stage taken too early
CORRECTION_NOTES = {
    "start": (
        "现场仅完成场地平整，尚未正式开工，退回签约",
        "开工日期填报有误，退回重新填报",
        "施工许可尚未取得，开工认定退回",
    ),
    "put_into_production": (
        "设备仍在调试，尚未投产，退回开工",
        "投产日期填报有误，退回重新填报",
        "试生产未通过验收，投产认定退回",
    ),
    "reach_target": (
        "年产值未经统计部门核实，退回投产",
        "达效日期填报有误，退回重新填报",
        "产值统计口径不符，达效认定退回",
    ),
    "terminate": (
        "投资方书面确认继续履约，撤销终止",
        "终止依据不足，恢复项目原阶段",
        "经协调问题已解决，撤销终止",
    ),
}
PROVINCES = [
    "山西省",
    "河北省",
    "河南省",
    "山东省",
    "陕西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "重庆市",
    "天津市",
    "北京市",
    "上海市",
]
CITY_FIRST = "安宝昌长成大德东丰凤福阜广贵海汉和河鹤衡红华怀淮黄吉嘉建江金晋景九开康"
CITY_SECOND = "安城川德丰阳宁平山州泉兴源远昌定江南北西"
ZONE_KINDS = (
    "经济技术开发区",
    "高新技术产业开发区",
    "综合保税区",
    "现代农业产业示范区",
    "工业园区",
    "文旅康养示范区",
    "新材料产业园",
    "装备制造产业园",
    "物流园区",
    "循环经济园区",
    "数字经济产业园",
    "新能源产业园",
)


@dataclass
class Shape:
    """How many of everything a scale gives."""

    projects: int
    cities: int
    zones: int
    big_city_projects: int

    @classmethod
    def of(cls, projects: int) -> Shape:
        cities = max(3, round(250 * projects / 1_000_000))
        zones = max(12 + 2 * (cities - 1), round(2_700 * projects / 1_000_000))
        return cls(projects, cities, zones, min(BIG_CITY_MAX, projects // 10))


@dataclass
class Generated:
    shape: Shape
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    big_city: str = "临汾市"
    province: str = PROVINCES[0]


def city_names(count: int) -> list[str]:
    """``count`` distinct made-up city names, 临汾市 first."""
    names = ["临汾市"]
    for first in CITY_FIRST:
        for second in CITY_SECOND:
            name = f"{first}{second}市"
            if name not in names:
                names.append(name)
    if count > len(names):
        names += [f"{names[i % len(names)][:-1]}{i}市" for i in range(len(names), count)]
    return names[:count]


def token_key(username: str) -> str:
    """The API token of a generated user: derived from the name, so a client can compute it."""
    digest = hashlib.md5(f"bench-{username}".encode()).hexdigest()
    return digest + hashlib.md5(f"key-{username}".encode()).hexdigest()[:8]


def generate(
    projects: int, *, log_rows: float = LOG_ROWS_PER_PROJECT, progress: Callable | None = None
) -> Generated:
    """Fill the migrated, empty database with ``projects`` projects and all around them, and
    about ``log_rows`` transition-log rows a project (never fewer than their real histories)."""
    shape = Shape.of(projects)
    result = Generated(shape)
    steps = [
        ("places and people", _places_and_people),
        ("plan pool", _pool),
        ("drop indexes", _drop_indexes),
        ("projects", _projects),
        ("transition log", _transition_log),
        ("enrollments", _enrollments),
        ("milestones", _milestones),
        ("problems", _problems),
        ("progress reports", _progress),
        ("sequences", _sequences),
        ("indexes", _create_indexes),
        ("analyze", _analyze),
    ]
    bar = (
        progress(total=len(steps), desc=f"generate {projects:,}", unit="step") if progress else None
    )
    state: dict = {"log_rows": log_rows}
    with connection.cursor() as cursor:
        # Foreign keys are checked by triggers, row by row: the generator writes consistent ids
        # by construction, so they stay off while it writes (check constraints stay on).
        cursor.execute("SET session_replication_role = replica")
        for name, step in steps:
            if bar is not None:
                bar.set_postfix_str(name)
            started = time.perf_counter()
            if name == "analyze":
                step(cursor, shape, state)
            else:
                with transaction.atomic():
                    step(cursor, shape, state)
            result.seconds[name] = round(time.perf_counter() - started, 2)
            if bar is not None:
                bar.update()
        cursor.execute("SET session_replication_role = DEFAULT")
    if bar is not None:
        bar.close()
    result.rows = state["rows"]
    return result


# ----------------------------------------------------------------------------------------------
# Small tables: cities, zones, people, tokens, rounds
# ----------------------------------------------------------------------------------------------


def _places_and_people(cursor, shape: Shape, state: dict) -> None:
    from django.contrib.auth.hashers import make_password

    from demo.data import ROUNDS, ZONES

    names = city_names(shape.cities)
    cursor.execute(
        "INSERT INTO projects_city (id, name, province) SELECT n, (%s::text[])[n], "
        "(%s::text[])[1 + (n - 1) / 10] FROM generate_series(1, %s) n",
        [names, list(PROVINCES) * (1 + shape.cities // 300), shape.cities],
    )
    # Zones: the demo's twelve in the first city, the rest spread over the others; ``spec`` is
    # the demo zone whose plans the zone's projects take (its category, level and chains).
    rows = []
    for n, spec in enumerate(ZONES):
        rows.append((n + 1, spec.code, spec.name, 1, spec.county, spec.category, spec.level, n))
    others = shape.zones - len(ZONES)
    for k in range(others):
        city = 2 + k % (shape.cities - 1)
        spec_index = (k // (shape.cities - 1) + city) % len(ZONES)
        spec = ZONES[spec_index]
        kind = ZONE_KINDS[k // (shape.cities - 1) % len(ZONE_KINDS)]
        serial = k // ((shape.cities - 1) * len(ZONE_KINDS))
        name = f"{names[city - 1][:-1]}{kind}{serial + 1 if serial else ''}"
        rows.append(
            (
                len(ZONES) + k + 1,
                f"c{city}-z{k}",
                name,
                city,
                f"{names[city - 1][:-1]}县",
                spec.category,
                spec.level,
                spec_index,
            )
        )
    cursor.execute(
        "CREATE TEMP TABLE bench_zone (id int PRIMARY KEY, spec int, city_id int, "
        "officer_id int, leader_id int, zn int) ON COMMIT PRESERVE ROWS"
    )
    cursor.executemany(
        "INSERT INTO projects_zone (id, code, name, city_id, county, category, level) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [row[:7] for row in rows],
    )
    cursor.executemany(
        "INSERT INTO bench_zone (id, spec, city_id, zn) VALUES (%s, %s, %s, %s)",
        [(row[0], row[7], row[3], row[0] - 1) for row in rows],
    )
    # People: officer and zone leader of each zone (ids 2z and 2z+1), a supervisor per city
    # after them, and one superuser for the country-wide figures.
    password = make_password("bench12345")
    cursor.execute(
        """
        INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        SELECT 2 * z.id + r, %(password)s, false, zone.code || (ARRAY['-officer', '-leader'])[r + 1],
               (ARRAY['专员', '领导'])[r + 1] || z.id, '', '', false, true, now()
        FROM bench_zone z JOIN projects_zone zone ON zone.id = z.id, generate_series(0, 1) r
        """,
        {"password": password},
    )
    first_supervisor = state["first_supervisor"] = 2 * shape.zones + 2
    cursor.execute(
        """
        INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        SELECT %(first)s + c.id - 1, %(password)s, false, 'c' || c.id || '-supervisor',
               '督导' || c.id, '', '', false, true, now()
        FROM projects_city c
        UNION ALL
        SELECT %(first)s + %(cities)s, %(password)s, true, 'bench-admin', '', '', '', true, true,
               now()
        """,
        {"password": password, "first": first_supervisor, "cities": shape.cities},
    )
    cursor.execute("UPDATE bench_zone SET officer_id = 2 * id, leader_id = 2 * id + 1")
    cursor.execute(
        """
        INSERT INTO projects_membership (user_id, role, zone_id, city_id)
        SELECT 2 * z.id + r, (ARRAY['officer', 'zone_leader'])[r + 1], z.id, NULL
        FROM bench_zone z, generate_series(0, 1) r
        UNION ALL
        SELECT %(first)s + c.id - 1, 'supervisor', NULL, c.id FROM projects_city c
        """,
        {"first": first_supervisor},
    )
    cursor.execute(
        """
        INSERT INTO auth_user_groups (user_id, group_id)
        SELECT m.user_id, g.id FROM projects_membership m JOIN auth_group g ON g.name = m.role
        """
    )
    cursor.execute(
        """
        INSERT INTO authtoken_token (key, user_id, created)
        SELECT md5('bench-' || username) || left(md5('key-' || username), 8), id, now()
        FROM auth_user
        """
    )
    # The demo's rounds, in every city, in the years 2022 to 2025.
    activities = []
    for city in range(1, shape.cities + 1):
        for back in range(3, -1, -1):
            for ordinal, (name, held_on) in enumerate(ROUNDS[:2]):
                year = 2025 - back
                activities.append(
                    (
                        city,
                        name.replace("2024", str(year)),
                        held_on.replace(year=year),
                        year,
                        ordinal,
                    )
                )
    cursor.execute(
        "CREATE TEMP TABLE bench_round (city_id int, year int, ordinal int, activity_id int, "
        "PRIMARY KEY (city_id, year, ordinal)) ON COMMIT PRESERVE ROWS"
    )
    cursor.executemany(
        "WITH a AS (INSERT INTO projects_activity (name, city_id, held_on) VALUES (%s, %s, %s) "
        "RETURNING id) INSERT INTO bench_round SELECT %s, %s, %s, id FROM a",
        [(name, city, held, city, year, ordinal) for city, name, held, year, ordinal in activities],
    )
    state["rows"] = {
        "cities": shape.cities,
        "zones": shape.zones,
        "users": 2 * shape.zones + shape.cities + 1,
        "activities": len(activities),
    }


# ----------------------------------------------------------------------------------------------
# The pool of planned projects
# ----------------------------------------------------------------------------------------------

POOL_COLUMNS = [
    "name",
    "investor",
    "industry_chain",
    "tier",
    "category",
    "total_investment",
    "funds_in_place",
    "land_area",
    "is_standard_land",
    "is_commitment_based",
    "is_fully_agented",
    "stage",
    "signed_on",
    "started_on",
    "producing_on",
    "at_target_on",
    "terminated_on",
    "termination_reason",
    "planned_start_on",
    "planned_production_on",
    "planned_target_on",
    "in_statistics_on",
    "above_scale_on",
    "target_annual_output",
    "actual_annual_output",
]


def _pool(cursor, shape: Shape, state: dict) -> None:
    """Plans of ``demo.planner`` for each demo zone, copied into temporary tables."""
    from demo.data import ROUNDS, ZONES
    from demo.planner import STAGE_AFTER, ZoneStaff, plan_project
    from projects.stages import LIVE_STAGES, Stage, Transition

    today = datetime.date.today()
    rng = random.Random(SEED)
    size = min(POOL_PER_ZONE_KIND, max(20, shape.projects // len(ZONES) // 2))
    state["pool_size"] = size
    state["today"] = today
    tables = {
        "bench_plan": ["t int", "spec int", "k int"]
        + [f"{c} {_pool_type(c)}" for c in POOL_COLUMNS],
        # One row per place in a plan's history where the project stands in a live stage:
        # before each real step ``j`` (whose fields the row carries) and, for a live project, at
        # the end (``transition`` null); ``lo`` is the day it entered ``stage``, ``hi`` the day
        # it left (null: still there).
        "bench_slot": [
            "t int",
            "j int",
            "slots int",
            "stage text",
            "lo date",
            "hi date",
            "transition text",
            "target text",
            "note text",
            "by_leader bool",
        ],
        "bench_enroll": ["t int", "kind text", "year int", "ordinal int"],
        "bench_milestone": ["t int", "name text", "planned_on date", "done_on date"],
        "bench_problem": [
            "t int",
            "category text",
            "coordination_level text",
            "description text",
            "owner text",
            "raised_on date",
            "deadline date",
            "status text",
            "resolved_on date",
            "resolution text",
        ],
        "bench_progress": [
            "t int",
            "month date",
            "investment_completed numeric",
            "image_progress text",
        ],
    }
    buffers = {name: [] for name in tables}
    staff = ZoneStaff("officer", "leader", ("leader",))
    t = 0
    for spec_index, spec in enumerate(ZONES):
        for k in range(size):
            plan = plan_project(spec, staff, seed=rng.getrandbits(32), today=today)
            stage = Stage.SIGNED
            entered_on = plan.stage_dates["signed_on"]
            slots = []
            for step in plan.steps:
                target = (
                    Stage.TERMINATED
                    if step.name == Transition.TERMINATE
                    else STAGE_AFTER[step.name]
                )
                by_leader = step.by == "leader"
                slots.append(
                    (stage, entered_on, step.effective_on, step.name, target, step.note, by_leader)
                )
                stage, entered_on = target, step.effective_on
            if stage in LIVE_STAGES:
                slots.append((stage, entered_on, None, None, None, None, None))
            for j, slot in enumerate(slots):
                buffers["bench_slot"].append((t, j, len(slots), *slot))
            values = {**plan.values, **plan.create_values, **plan.stage_dates, "stage": stage}
            values["name"] = plan.name
            values["termination_reason"] = plan.steps[-1].note if stage == Stage.TERMINATED else ""
            if stage == Stage.TERMINATED:
                values.pop("at_target_on", None)
            buffers["bench_plan"].append((t, spec_index, k, *[values.get(c) for c in POOL_COLUMNS]))
            for kind, round_index in plan.enrollments.items():
                held_on = ROUNDS[round_index][1]
                buffers["bench_enroll"].append((t, kind, held_on.year, round_index % 2))
            for row in plan.milestones:
                buffers["bench_milestone"].append(
                    (t, row["name"], row["planned_on"], row["done_on"])
                )
            for row in plan.problems:
                buffers["bench_problem"].append(
                    (
                        t,
                        row["category"],
                        row["coordination_level"],
                        row["description"],
                        row["owner"],
                        row["raised_on"],
                        row["deadline"],
                        row["status"],
                        row["resolved_on"],
                        row["resolution"],
                    )
                )
            for row in plan.progress[-PROGRESS_MONTHS:]:
                buffers["bench_progress"].append(
                    (t, row["month"], row["investment_completed"], row.get("image_progress", ""))
                )
            t += 1
    for name, columns in tables.items():
        cursor.execute(f"CREATE TEMP TABLE {name} ({', '.join(columns)}) ON COMMIT PRESERVE ROWS")
        with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in buffers[name]:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {name}")
    cursor.execute("CREATE INDEX ON bench_plan (spec, k)")


def _pool_type(column: str) -> str:
    if column.endswith("_on"):
        return "date"
    if column.startswith("is_"):
        return "bool"
    if column in {"total_investment", "funds_in_place", "land_area"} or column.endswith("output"):
        return "numeric"
    return "text"


# ----------------------------------------------------------------------------------------------
# The big tables
# ----------------------------------------------------------------------------------------------


def _projects(cursor, shape: Shape, state: dict) -> None:
    """Project ``i`` (its id): in the first city's zones for ``i <= big``, then round-robin over
    the other zones; its plan is the ``k``-th of its zone's kind, ``k`` a hash of ``i``; its dates
    move back ``back`` whole years (0-2 for finished projects, mostly 0 for live ones)."""
    big = shape.big_city_projects
    cursor.execute(
        """
        CREATE TEMP TABLE bench_map ON COMMIT PRESERVE ROWS AS
        SELECT i AS id, p.t, z.id AS zone_id, z.city_id, z.officer_id, z.leader_id,
               CASE WHEN p.stage IN ('signed', 'started')
                    THEN (CASE WHEN h %% 10 = 0 THEN 1 ELSE 0 END) ELSE h %% 3 END::int AS back
        FROM generate_series(1, %(n)s) i
        CROSS JOIN LATERAL (SELECT (i::bigint * 2654435761) %% 4294967296 AS h) hash
        JOIN bench_zone z ON z.zn = CASE WHEN i <= %(big)s THEN (i - 1) %% 12
                                         ELSE 12 + (i - %(big)s - 1) %% (%(zones)s - 12) END
        JOIN bench_plan p ON p.spec = z.spec AND p.k = (h / 7) %% %(size)s
        """,
        {"n": shape.projects, "big": big, "zones": shape.zones, "size": state["pool_size"]},
    )
    cursor.execute("ALTER TABLE bench_map ADD PRIMARY KEY (id)")
    cursor.execute("CREATE INDEX ON bench_map (t)")
    cursor.execute("ANALYZE bench_map")
    dates = [c for c in POOL_COLUMNS if c.endswith("_on")]
    others = [c for c in POOL_COLUMNS if c not in dates and c != "name"]
    moved = ", ".join(f"(p.{c} - make_interval(years => m.back))::date" for c in dates)
    cursor.execute(
        f"""
        INSERT INTO projects_project (id, zone_id, officer_id, leader_id, name, {", ".join(dates)},
                                      {", ".join(others)}, version, created_at, updated_at)
        SELECT m.id, m.zone_id, m.officer_id, m.leader_id, p.name || '（' || m.id || '）',
               {moved}, {", ".join(f"p.{c}" for c in others)}, 1,
               (p.signed_on - make_interval(years => m.back))::timestamptz,
               (coalesce(p.terminated_on, p.at_target_on, p.producing_on, p.started_on,
                         p.signed_on) - make_interval(years => m.back))::timestamptz
        FROM bench_map m JOIN bench_plan p ON p.t = m.t
        """
    )
    state["rows"]["projects"] = cursor.rowcount


def _transition_log(cursor, shape: Shape, state: dict) -> None:
    """Each project's real history, and as many corrections as bring the log to
    ``LOG_ROWS_PER_PROJECT`` rows a project on average.

    A correction is a pair of rows where the project stands in a live stage: a mistaken step (the
    officer's next stage, or the zone leader's 终止 with a reason) and the city supervisor's
    ``correct`` back to that stage, with a note, as ``workflow.services`` records them. A project
    takes ``c`` corrections (0 to about twice the mean needed, by a hash of its id); the histories
    of every plan for every ``c`` are written once into ``bench_history``, then copied to the
    projects as the other tables are, dates moved back ``back`` whole years.

    In a history, slot ``j`` (before real step ``j``, or the end for a live project) takes
    corrections ``j``, ``j + slots``, …; their dates are spread between the day the project
    entered the stage and the day it left it (yesterday if it has not), so effective dates never
    go back and ``recorded_at`` (10:00 on the effective date, plus a minute per earlier row) grows.
    """
    from demo.data import PRODUCTION_NOTES, START_NOTES, TARGET_NOTES, TERMINATION_REASONS
    from projects.stages import Stage, Transition

    forward = {
        Stage.SIGNED: (Transition.START, Stage.STARTED, START_NOTES),
        Stage.STARTED: (Transition.PUT_INTO_PRODUCTION, Stage.PRODUCING, PRODUCTION_NOTES),
        Stage.PRODUCING: (Transition.REACH_TARGET, Stage.AT_TARGET, TARGET_NOTES),
    }
    rows = []
    for n, (stage, step) in enumerate(forward.items()):
        for kind in range(MISTAKE_KINDS):
            name, target, notes = step
            if kind >= MISTAKE_KINDS - TERMINATE_MISTAKES:
                name, target = Transition.TERMINATE, Stage.TERMINATED
                notes = TERMINATION_REASONS[n:] + TERMINATION_REASONS[:n]
            corrections = CORRECTION_NOTES[name.value]
            note, correction = notes[kind % len(notes)], corrections[kind % len(corrections)]
            rows.append((stage.value, kind, name.value, target.value, note, correction))
    cursor.execute(
        "CREATE TEMP TABLE bench_mistake (stage text, kind int, transition text, target text, "
        "note text, correction text, PRIMARY KEY (stage, kind)) ON COMMIT PRESERVE ROWS"
    )
    cursor.executemany("INSERT INTO bench_mistake VALUES (%s, %s, %s, %s, %s, %s)", rows)
    cursor.execute(
        "SELECT sum(n)::float8 / count(*) FROM bench_map m "
        "JOIN (SELECT t, count(transition) AS n FROM bench_slot GROUP BY t) p ON p.t = m.t"
    )
    real = cursor.fetchone()[0]
    spread = _spread(max(0.0, (state["log_rows"] - real) / 2))
    # ``by``: 0 the officer, 1 the zone leader, 2 the city's supervisor.
    cursor.execute(
        """
        CREATE TEMP TABLE bench_history ON COMMIT PRESERVE ROWS AS
        SELECT s.t, f.c, o.base + q AS ordinal,
               CASE WHEN q = 2 * o.fixes THEN s.transition
                    WHEN q %% 2 = 0 THEN x.transition ELSE 'correct' END AS transition,
               CASE WHEN q %% 2 = 0 THEN s.stage ELSE x.target END AS source,
               CASE WHEN q = 2 * o.fixes THEN s.target
                    WHEN q %% 2 = 0 THEN x.target ELSE s.stage END AS target,
               CASE WHEN q = 2 * o.fixes THEN o.hi
                    ELSE s.lo + (o.hi - s.lo) * (q + 1) / (2 * o.fixes + 1) END AS effective_on,
               CASE WHEN q = 2 * o.fixes THEN s.by_leader::int WHEN q %% 2 = 1 THEN 2
                    ELSE (x.transition = 'terminate')::int END AS by,
               CASE WHEN q = 2 * o.fixes THEN s.note
                    WHEN q %% 2 = 0 THEN x.note ELSE x.correction END AS note
        FROM bench_slot s
        CROSS JOIN generate_series(0, %(most)s) f(c)
        CROSS JOIN LATERAL (
            SELECT f.c / s.slots + (s.j < f.c %% s.slots)::int AS fixes,
                   s.j + 2 * (s.j * (f.c / s.slots) + least(s.j, f.c %% s.slots)) AS base,
                   coalesce(s.hi, greatest(s.lo, %(today)s::date - 1)) AS hi
        ) o
        CROSS JOIN LATERAL generate_series(0, 2 * o.fixes - (s.transition IS NULL)::int) q
        JOIN bench_mistake x ON x.stage = s.stage
         AND x.kind = ((s.t::bigint * 2654435761 + f.c * 7919 + s.j * 40503 + q / 2 * 69069)
                       %% 4294967296) %% %(kinds)s
        """,
        {"most": int(spread), "today": state["today"], "kinds": MISTAKE_KINDS},
    )
    cursor.execute("CREATE INDEX ON bench_history (t, c, ordinal)")
    cursor.execute("ANALYZE bench_history")
    # Project by project, each history in order (the subquery's ORDER BY keeps the nested loop):
    # a project's rows lie together and their ids grow with ``recorded_at``, as the real
    # histories alone were written.
    cursor.execute(
        """
        INSERT INTO workflow_transitionlog (project_id, transition, source, target, effective_on,
                                            recorded_at, by_id, note)
        SELECT m.id, h.transition, h.source, h.target,
               (h.effective_on - make_interval(years => m.back))::date,
               (h.effective_on - make_interval(years => m.back)) + interval '10 hours'
                 + make_interval(mins => h.ordinal),
               CASE h.by WHEN 0 THEN m.officer_id WHEN 1 THEN m.leader_id
                         ELSE %(supervisor)s + m.city_id - 1 END,
               h.note
        FROM bench_map m
        CROSS JOIN LATERAL (
            SELECT * FROM bench_history h
            WHERE h.t = m.t
              AND h.c = floor(((m.id::bigint * 2246822519) %% 4294967296)::float8 / 4294967296
                              * %(spread)s)::int
            ORDER BY h.ordinal
        ) h
        """,
        {"supervisor": state["first_supervisor"], "spread": spread},
    )
    state["rows"]["transition_log"] = cursor.rowcount


def _spread(mean: float) -> float:
    """The ``k`` for which ``floor(u * k)``, ``u`` uniform in [0, 1), has mean ``mean``."""
    low, high = 1.0, 2 * mean + 2
    for _ in range(60):
        k = (low + high) / 2
        whole = int(k)
        if whole * (2 * k - whole - 1) / (2 * k) < mean:
            low = k
        else:
            high = k
    return (low + high) / 2


def _enrollments(cursor, shape: Shape, state: dict) -> None:
    cursor.execute(
        """
        INSERT INTO projects_enrollment (project_id, activity_id, kind, created_at)
        SELECT m.id, r.activity_id, e.kind, least(a.held_on::timestamptz, now() - interval '1 day')
        FROM bench_map m JOIN bench_enroll e ON e.t = m.t
        JOIN bench_round r ON r.city_id = m.city_id AND r.year = e.year - m.back
                          AND r.ordinal = e.ordinal
        JOIN projects_activity a ON a.id = r.activity_id
        """
    )
    state["rows"]["enrollments"] = cursor.rowcount


def _milestones(cursor, shape: Shape, state: dict) -> None:
    cursor.execute(
        """
        INSERT INTO projects_milestone (project_id, name, planned_on, done_on, note)
        SELECT m.id, s.name, (s.planned_on - make_interval(years => m.back))::date,
               (s.done_on - make_interval(years => m.back))::date, ''
        FROM bench_map m JOIN bench_milestone s ON s.t = m.t
        """
    )
    state["rows"]["milestones"] = cursor.rowcount


def _problems(cursor, shape: Shape, state: dict) -> None:
    cursor.execute(
        """
        INSERT INTO projects_problem (project_id, category, coordination_level, description, owner,
                                      raised_on, deadline, status, resolved_on, resolution)
        SELECT m.id, s.category, s.coordination_level, s.description, s.owner,
               (s.raised_on - make_interval(years => m.back))::date,
               (s.deadline - make_interval(years => m.back))::date, s.status,
               (s.resolved_on - make_interval(years => m.back))::date, s.resolution
        FROM bench_map m JOIN bench_problem s ON s.t = m.t
        """
    )
    state["rows"]["problems"] = cursor.rowcount


def _progress(cursor, shape: Shape, state: dict) -> None:
    cursor.execute(
        """
        INSERT INTO projects_progressreport (project_id, month, investment_completed,
                                             image_progress, created_at)
        SELECT m.id, (s.month - make_interval(years => m.back))::date, s.investment_completed,
               s.image_progress, (s.month - make_interval(years => m.back))::timestamptz
        FROM bench_map m JOIN bench_progress s ON s.t = m.t
        """
    )
    state["rows"]["progress_reports"] = cursor.rowcount


BIG_TABLES = (
    "projects_project",
    "workflow_transitionlog",
    "projects_enrollment",
    "projects_milestone",
    "projects_problem",
    "projects_progressreport",
)


def _drop_indexes(cursor, shape: Shape, state: dict) -> None:
    """Indexes and unique constraints of the big tables (primary keys kept), to build them once
    after the load instead of row by row."""
    cursor.execute(
        """
        SELECT 'ALTER TABLE ' || c.conrelid::regclass || ' ADD CONSTRAINT ' || c.conname || ' '
               || pg_get_constraintdef(c.oid),
               'ALTER TABLE ' || c.conrelid::regclass || ' DROP CONSTRAINT ' || c.conname
        FROM pg_constraint c
        WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%(tables)s)
        UNION ALL
        SELECT pg_get_indexdef(i.indexrelid), 'DROP INDEX ' || i.indexrelid::regclass
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%(tables)s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        {"tables": list(BIG_TABLES)},
    )
    rows = cursor.fetchall()
    state["indexes"] = [create for create, _ in rows]
    for _, drop in rows:
        cursor.execute(drop)


def _create_indexes(cursor, shape: Shape, state: dict) -> None:
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for statement in state["indexes"]:
        cursor.execute(statement)
    cursor.execute("RESET maintenance_work_mem")


def _sequences(cursor, shape: Shape, state: dict) -> None:
    for table in ("projects_city", "projects_zone", "auth_user", "projects_project"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
    for table in ("bench_map", "bench_plan", "bench_slot", "bench_enroll", "bench_milestone"):
        cursor.execute(f"DROP TABLE {table}")
    for table in (
        "bench_problem",
        "bench_progress",
        "bench_zone",
        "bench_round",
        "bench_mistake",
        "bench_history",
    ):
        cursor.execute(f"DROP TABLE {table}")


def _analyze(cursor, shape: Shape, state: dict) -> None:
    """Statistics everywhere; the visibility map of the project table (index-only scans)."""
    cursor.execute("ANALYZE")
    if not connection.in_atomic_block:  # a test's transaction: VACUUM cannot run inside one
        cursor.execute("VACUUM projects_project")
