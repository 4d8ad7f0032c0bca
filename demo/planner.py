"""The demo city's plan: every user, project, stage change and ledger row, drawn before any write.

``plan_city(today)`` is pure: it reads the tables of ``demo.data`` and a seeded generator, never
the database, so the same seed and the same day always give the same plan, whatever is stored.
Everything random comes from ``random.Random(seed)``: one sub-seed per project, drawn in a fixed
order, so one project's plan never depends on another's. Dates are never later than a few days
before ``today``. ``demo.writer`` stores a plan; a bulk generator (``bench/``) may use the same
plan, or ``plan_project`` for zones of its own, for realistic names and proportions.

Field values are dicts keyed by the model field names they are meant for.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from demo.data import (
    BRANDS,
    CHAIN_MONEY,
    CHAIN_TRADE,
    CITY_NAME,
    CONFIRMED_NOTE,
    DEMO_LOGINS,
    DEMO_ZONE,
    GAPS,
    GAPS_TO_FINISHERS,
    GIVEN_NAMES,
    HEADLINES,
    LEADERS_PER_ZONE,
    LEVELS,
    MILESTONE_NAMES,
    NAME_TEMPLATES,
    PROBLEM_OWNERS,
    PROBLEM_TEXTS,
    PRODUCTION_NOTES,
    PROVINCE,
    ROUND_WEIGHTS,
    ROUNDS,
    SEED,
    START_NOTES,
    SUPPORT_TEMPLATES,
    SURNAMES,
    TARGET_NOTES,
    TERMINATION_REASONS,
    ZONES,
    ZoneSpec,
)
from projects.models import Enrollment, Problem, Project
from projects.roles import Role
from projects.stages import STAGE_DATE_FIELD, Stage, Transition

CENT = Decimal("0.01")

# The stage each transition the demo takes leads to (it never corrects).
STAGE_AFTER = {
    Transition.START: Stage.STARTED,
    Transition.PUT_INTO_PRODUCTION: Stage.PRODUCING,
    Transition.REACH_TARGET: Stage.AT_TARGET,
    Transition.TERMINATE: Stage.TERMINATED,
}


# --------------------------------------------------------------------------------------------
# What a plan is
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPlan:
    """A staff user with the demo password, in one zone or the whole city."""

    username: str
    first_name: str
    role: str | None  # None: a superuser, without a membership
    zone: str | None  # a zone code; None (with a role): the whole city
    login: bool = False  # one of the demo logins: its password is put back if it was changed


@dataclass(frozen=True)
class ZoneStaff:
    """Usernames of the people a zone's projects are worked by."""

    officer: str
    zone_leader: str
    leaders: tuple[str, ...]  # 包联领导, one of them per project


@dataclass
class Step:
    """One transition, taken through the workflow service by ``by`` (a username)."""

    name: str
    effective_on: datetime.date
    note: str
    by: str
    confirmed: bool = False


@dataclass
class ProjectPlan:
    zone: ZoneSpec
    name: str
    seed: int
    officer: str
    leader: str
    values: dict[str, Any] = field(default_factory=dict)  # editable fields
    create_values: dict[str, Any] = field(default_factory=dict)  # set only on creation
    steps: list[Step] = field(default_factory=list)
    enrollments: dict[str, int] = field(default_factory=dict)  # kind -> index in the rounds
    stage_dates: dict[str, datetime.date] = field(default_factory=dict)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)  # monthly reports

    @property
    def final_stage(self) -> Stage:
        return STAGE_AFTER[self.steps[-1].name] if self.steps else Stage.SIGNED


@dataclass
class CityPlan:
    name: str
    province: str
    zones: tuple[ZoneSpec, ...]
    rounds: tuple[tuple[str, datetime.date], ...]
    people: list[PersonPlan]
    staff: dict[str, ZoneStaff]  # by zone code
    projects: list[ProjectPlan]


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


def plan_city(today: datetime.date, *, seed: int = SEED) -> CityPlan:
    """The demo city as of ``today``: its people, then every project in a fixed order."""
    people, staff = _plan_people(random.Random(seed))
    master = random.Random(seed)
    projects: list[ProjectPlan] = []
    for zone in ZONES:
        used: set[str] = set()
        headlines = HEADLINES.get(zone.code, ())
        for index in range(zone.projects):
            sub_seed = master.getrandbits(32)
            projects.append(
                plan_project(
                    zone,
                    staff[zone.code],
                    seed=sub_seed,
                    today=today,
                    used=used,
                    headline=headlines[index] if index < len(headlines) else None,
                )
            )
    return CityPlan(
        name=CITY_NAME,
        province=PROVINCE,
        zones=ZONES,
        rounds=ROUNDS,
        people=people,
        staff=staff,
        projects=projects,
    )


def plan_project(
    zone: ZoneSpec,
    staff: ZoneStaff,
    *,
    seed: int,
    today: datetime.date,
    used: set[str] | None = None,
    headline: tuple[str, str, str, str, Stage] | None = None,
) -> ProjectPlan:
    """One project of ``zone`` from its own seed: fields, stages, rounds and ledger rows.

    ``used`` holds the names already taken in the zone; the new name is added to it.
    ``headline`` is a named project of ``HEADLINES`` (name, investor, chain, total, stage).
    """
    used = set() if used is None else used
    rng = random.Random(seed)
    category = _pick_category(zone, rng)
    if headline:
        name, investor, chain, total_text, final = headline
        total = Decimal(total_text)
        category = Project.Category.INDUSTRY
    else:
        chain = rng.choice(zone.chains)
        low, high = CHAIN_MONEY.get(chain if category == Project.Category.INDUSTRY else category)
        total, scale = _money(rng, low, high)
        name = _project_name(zone, chain, category, scale, rng, used)
        investor = _investor(zone, chain, category, rng)
        final = _pick_final_stage(rng)
    used.add(name)
    if category != Project.Category.INDUSTRY:
        chain = "园区配套" if zone.category != "tourism" else chain
    plan = ProjectPlan(
        zone=zone,
        name=name,
        seed=seed,
        officer=staff.officer,
        leader=staff.leaders[rng.randrange(len(staff.leaders))],
    )
    _plan_stages(plan, final, rng, today, staff)
    plan.values = _descriptive_values(plan, investor, chain, category, total, rng)
    plan.create_values = _stage_facts(plan, rng, today)
    _plan_children(plan, random.Random(seed + 1), today)
    return plan


def _plan_people(rng: random.Random) -> tuple[list[PersonPlan], dict[str, ZoneStaff]]:
    """The demo logins, then per zone an officer, a zone leader and three 包联领导."""
    people = [
        PersonPlan(username, first_name, role, DEMO_ZONE if where == "zone" else None, login=True)
        for username, role, where, first_name in DEMO_LOGINS
    ]
    demo_staff = {role: username for username, role, where, _ in DEMO_LOGINS if where == "zone"}
    staff: dict[str, ZoneStaff] = {}
    for spec in ZONES:
        # Draw both names even where the demo logins serve, so names never shift.
        officer_name, zone_leader_name = _chinese_name(rng), _chinese_name(rng)
        if spec.code == DEMO_ZONE:
            officer, zone_leader = demo_staff[Role.OFFICER], demo_staff[Role.ZONE_LEADER]
        else:
            officer, zone_leader = f"officer-{spec.code}", f"zoneleader-{spec.code}"
            people.append(PersonPlan(officer, officer_name, Role.OFFICER, spec.code))
            people.append(PersonPlan(zone_leader, zone_leader_name, Role.ZONE_LEADER, spec.code))
        leaders = []
        for n in range(1, LEADERS_PER_ZONE + 1):
            username = f"leader-{spec.code}-{n}"
            people.append(PersonPlan(username, _chinese_name(rng), Role.VIEWER, spec.code))
            leaders.append(username)
        staff[spec.code] = ZoneStaff(officer, zone_leader, tuple(leaders))
    return people, staff


def _chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _pick_category(zone: ZoneSpec, rng: random.Random) -> str:
    """Most projects are industry; tourism zones build more for people and infrastructure."""
    roll = rng.random()
    support = 0.35 if zone.category == "tourism" else 0.15
    if roll < support * 0.7:
        return Project.Category.INFRASTRUCTURE
    if roll < support:
        return Project.Category.LIVELIHOOD
    return Project.Category.INDUSTRY


def _pick_final_stage(rng: random.Random) -> Stage:
    """Close to Linfen's published rates: ~85 % started, ~45 % of those producing, most at target."""
    return rng.choices(
        (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_TARGET, Stage.TERMINATED),
        weights=(15, 31, 20, 27, 7),
    )[0]


def _project_name(
    zone: ZoneSpec, chain: str, category: str, scale: float, rng: random.Random, used: set[str]
) -> str:
    """A realistic name, unique in the zone: a second project of the same kind is 二期, 三期 ...

    The capacity in the name grows with the money (``scale`` is where the investment sits in
    the chain's range), so a 40-亿 project is not a 1-万吨 one.
    """
    for _ in range(4):
        if category == Project.Category.INDUSTRY:
            template, values = rng.choice(NAME_TEMPLATES[chain])
            n = values[min(int(scale * len(values)), len(values) - 1)] if values else 0
            base = template.format(n=n, m=n * 2)
        else:
            base = rng.choice(SUPPORT_TEMPLATES[category])
            if zone.category == "tourism" and category == Project.Category.INFRASTRUCTURE:
                base = "景区" + base.removeprefix("园区")
        if base not in used:
            return base
    for phase in "二三四五六七八九十":
        candidate = base.removesuffix("项目") + f"（{phase}期）项目"
        if candidate not in used:
            return candidate
    raise ValueError(f"Too many projects named {base} in {zone.name}.")


def _investor(zone: ZoneSpec, chain: str, category: str, rng: random.Random) -> str:
    """Investors read like real company names; zone infrastructure is built by its operator."""
    place = zone.county.removesuffix("县").removesuffix("市").removesuffix("区")
    if category != Project.Category.INDUSTRY and zone.category != "tourism":
        return f"{place}开发区投资运营管理有限公司"
    brand = rng.choice(BRANDS)
    trade = rng.choice(CHAIN_TRADE[chain])
    pattern = rng.choice(("山西{b}{t}有限公司", "临汾{b}{t}有限公司", "{p}{b}{t}有限公司",
                          "{b}{t}（山西）有限公司", "山西{b}{t}股份有限公司"))  # fmt: skip
    return pattern.format(b=brand, t=trade, p=place)


def _money(rng: random.Random, low: int, high: int) -> tuple[Decimal, float]:
    """Log-uniform in the chain's range, so most projects are 1–10 亿 and few are very large.

    Also returns where in the range the amount fell (0–1), for the capacity in the name.
    """
    scale = rng.random()
    value = low * (high / low) ** scale
    return Decimal(f"{value:.2f}"), scale


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _not_after(
    candidate: datetime.date, floor: datetime.date, ceiling: datetime.date, rng: random.Random
) -> datetime.date:
    """Keep a drawn date inside [floor, ceiling]; a date past the ceiling is redrawn inside."""
    if candidate <= ceiling:
        return max(candidate, floor)
    span = max((ceiling - floor).days, 0)
    return floor + datetime.timedelta(days=rng.randint(0, span))


def _plan_stages(
    plan: ProjectPlan, final: Stage, rng: random.Random, today: datetime.date, staff: ZoneStaff
) -> None:
    """Dates of every stage reached, in order, none later than a few days before today.

    The zone's officer takes the steps; its zone leader terminates.
    """
    ceiling = today - datetime.timedelta(days=3)
    signed_round = rng.choices(range(len(ROUNDS)), weights=ROUND_WEIGHTS[final])[0]
    signed_on = ROUNDS[signed_round][1] - _days(rng, 3, 120)
    plan.stage_dates["signed_on"] = signed_on
    plan.enrollments[Enrollment.Kind.SIGNED] = signed_round
    path = _path_to(final, rng)
    current = signed_on
    gaps = GAPS_TO_FINISHERS if final in (Stage.PRODUCING, Stage.AT_TARGET) else GAPS
    for name in path:
        if name == Transition.TERMINATE:
            current = _not_after(current + _days(rng, 60, 540), current, ceiling, rng)
            plan.steps.append(
                Step(name, current, rng.choice(TERMINATION_REASONS), staff.zone_leader)
            )
            plan.stage_dates["terminated_on"] = current
            break
        low, high = gaps[name]
        current = _not_after(current + _days(rng, low, high), current, ceiling, rng)
        plan.steps.append(Step(name, current, _note_for(name, rng), staff.officer))
        plan.stage_dates[STAGE_DATE_FIELD[STAGE_AFTER[name]]] = current
    _plan_enrollments(plan, rng)


def _path_to(final: Stage, rng: random.Random) -> list[str]:
    """The transitions from signed to the final stage; terminations happen mostly before start."""
    forward = [Transition.START, Transition.PUT_INTO_PRODUCTION, Transition.REACH_TARGET]
    reach = {Stage.SIGNED: 0, Stage.STARTED: 1, Stage.PRODUCING: 2, Stage.AT_TARGET: 3}
    if final == Stage.TERMINATED:
        before = rng.choices((0, 1, 2), weights=(55, 35, 10))[0]
        return [*forward[:before], Transition.TERMINATE]
    return forward[: reach[final]]


def _note_for(name: str, rng: random.Random) -> str:
    notes = {
        Transition.START: START_NOTES,
        Transition.PUT_INTO_PRODUCTION: PRODUCTION_NOTES,
        Transition.REACH_TARGET: TARGET_NOTES,
    }
    return rng.choice(notes[name])


def _plan_enrollments(plan: ProjectPlan, rng: random.Random) -> None:
    """Presented at the first later round after entering a stage; started batch only often."""
    previous = plan.enrollments[Enrollment.Kind.SIGNED]
    started_on = plan.stage_dates.get("started_on")
    if started_on and rng.random() < 0.75:
        started_round = _round_after(started_on, previous)
        if started_round is not None:
            plan.enrollments[Enrollment.Kind.STARTED] = started_round
            previous = started_round
    producing_on = plan.stage_dates.get("producing_on")
    if producing_on:
        producing_round = _round_after(producing_on, previous)
        if producing_round is not None:
            plan.enrollments[Enrollment.Kind.PRODUCING] = producing_round


def _round_after(day: datetime.date, previous: int) -> int | None:
    for index, (_, held_on) in enumerate(ROUNDS):
        if index > previous and held_on >= day:
            return index
    return None


def _descriptive_values(
    plan: ProjectPlan, investor: str, chain: str, category: str, total: Decimal, rng: random.Random
) -> dict[str, Any]:
    """Fields an officer may edit any time; a re-run puts them back to the plan."""
    final = plan.final_stage
    funded_share = {
        Stage.SIGNED: (0.0, 0.15),
        Stage.STARTED: (0.15, 0.7),
        Stage.PRODUCING: (0.6, 0.95),
        Stage.AT_TARGET: (0.85, 1.0),
        Stage.TERMINATED: (0.0, 0.3),
    }[final]
    signed_on = plan.stage_dates["signed_on"]
    planned_start = signed_on + _days(rng, 20, 150)
    planned_production = planned_start + _days(rng, 180, 540)
    land = None
    if rng.random() > 0.15:
        per_mu = (
            rng.uniform(40, 200) if plan.zone.category != "industrial" else rng.uniform(150, 600)
        )
        land = max(Decimal("5"), (total / Decimal(f"{per_mu:.2f}")).quantize(CENT))
    return {
        "investor": investor,
        "industry_chain": chain,
        "tier": _tier(total, rng),
        "category": category,
        "total_investment": total,
        "funds_in_place": (total * Decimal(f"{rng.uniform(*funded_share):.4f}")).quantize(CENT),
        "land_area": land,
        "is_standard_land": rng.random() < 0.35,
        "is_commitment_based": rng.random() < 0.5,
        "is_fully_agented": rng.random() < 0.6,
        "planned_start_on": planned_start,
        "planned_production_on": planned_production,
        "planned_target_on": planned_production + _days(rng, 120, 365),
        "target_annual_output": (total * Decimal(f"{rng.uniform(0.8, 2.0):.3f}")).quantize(CENT),
    }


def _tier(total: Decimal, rng: random.Random) -> str:
    """Bigger projects sit higher: 国家级储备 and 省级重大 are mostly the 10-亿 ones."""
    if total >= 100000:
        weights = (35, 55, 10)
    elif total >= 30000:
        weights = (5, 45, 50)
    else:
        weights = (0, 15, 85)
    return rng.choices(
        (Project.Tier.NATIONAL, Project.Tier.PROVINCIAL, Project.Tier.COUNTY), weights=weights
    )[0]


def _stage_facts(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> dict[str, Any]:
    """Facts tied to the stage dates; written only when the project is created."""
    facts: dict[str, Any] = {"signed_on": plan.stage_dates["signed_on"]}
    target = plan.values["target_annual_output"]
    started_on = plan.stage_dates.get("started_on")
    producing_on = plan.stage_dates.get("producing_on")
    final = plan.final_stage
    if started_on and rng.random() < 0.8:
        facts["in_statistics_on"] = min(started_on + _days(rng, 15, 120), today)
    if producing_on and rng.random() < (0.8 if final == Stage.AT_TARGET else 0.35):
        facts["above_scale_on"] = min(producing_on + _days(rng, 30, 300), today)
    if final == Stage.AT_TARGET:
        confirmed = rng.random() < 0.2
        share = rng.uniform(0.85, 0.99) if confirmed else rng.uniform(1.0, 1.3)
        facts["actual_annual_output"] = (target * Decimal(f"{share:.3f}")).quantize(CENT)
        if confirmed:
            plan.steps[-1].confirmed = True
            plan.steps[-1].note = CONFIRMED_NOTE
    elif producing_on and rng.random() < 0.6:
        share = rng.uniform(0.2, 0.9)
        facts["actual_annual_output"] = (target * Decimal(f"{share:.3f}")).quantize(CENT)
    return facts


# --------------------------------------------------------------------------------------------
# Children of a project: milestones, problems, monthly progress
# --------------------------------------------------------------------------------------------


def _plan_children(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> None:
    """The ledger rows, from a generator of their own, so they never shift the project's draws."""
    if rng.random() < 0.6:
        plan.milestones = _milestones(plan, rng, today)
    plan.problems = _problems(plan, rng, today)
    plan.progress = _progress(plan, rng, today)


def _milestones(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """The annual task list; for projects still at signed some are overdue, on purpose."""
    dates = plan.stage_dates
    signed_on, started_on = dates["signed_on"], dates.get("started_on")
    producing_on = dates.get("producing_on")
    stop = dates.get("terminated_on", today)
    planned_start = plan.values["planned_start_on"]
    rows = []
    for name in MILESTONE_NAMES:
        if name == "土地摘牌" and plan.values["land_area"] is None:
            continue
        if name == "竣工":
            planned = plan.values["planned_production_on"] - _days(rng, 15, 60)
            done = producing_on - _days(rng, 5, 30) if producing_on else None
            floor = started_on
        else:
            offset = {"土地摘牌": (15, 75), "环评批复": (20, 90)}.get(name)
            planned = (
                signed_on + _days(rng, *offset) if offset else planned_start - _days(rng, 5, 30)
            )
            done = started_on - _days(rng, 3, 40) if started_on else None
            if done is None and rng.random() < 0.4:
                done = planned + _days(rng, -10, 40)
            floor = signed_on
        planned = max(planned, signed_on)
        if done is not None:
            done = min(max(done, floor), stop, today)
        rows.append({"name": name, "planned_on": planned, "done_on": done, "note": ""})
    return rows


def _problems(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """Obstacles on the ledger: about a third of projects, some resolved, some overdue."""
    if rng.random() > 0.35:
        return []
    signed_on = plan.stage_dates["signed_on"]
    end = plan.stage_dates.get("terminated_on", today)
    categories = rng.sample(list(PROBLEM_TEXTS), k=rng.randint(1, 3))
    rows = []
    for category in categories:
        description, resolution = rng.choice(PROBLEM_TEXTS[category])
        level = rng.choices(LEVELS, weights=(40, 35, 20, 5))[0]
        owner = PROBLEM_OWNERS[category][LEVELS.index(level)].format(county=plan.zone.county)
        raised = signed_on + _days(rng, 5, max((end - signed_on).days, 5))
        raised = min(raised, today)
        resolved_on = None
        if rng.random() < (0.6 if (today - raised).days > 30 else 0.2):
            resolved_on = min(raised + _days(rng, 3, 90), today)
        rows.append(
            {
                "description": description,
                "category": category,
                "coordination_level": level,
                "owner": owner,
                "raised_on": raised,
                "deadline": raised + _days(rng, 10, 60),
                "status": Problem.Status.RESOLVED if resolved_on else Problem.Status.OPEN,
                "resolved_on": resolved_on,
                "resolution": resolution if resolved_on else "",
            }
        )
    return rows


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], _first_of_month(first)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def _progress(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """Monthly reports over the (last 12 months of the) construction period."""
    dates = plan.stage_dates
    started_on = dates.get("started_on")
    if started_on is None:
        return []
    built = "producing_on" in dates
    end = dates.get("producing_on") or dates.get("terminated_on") or today
    months = _months(started_on, min(end, today))[-12:]
    reach = 1.0 if built else rng.uniform(0.45, 0.9)
    funds = plan.values["funds_in_place"]
    rows = []
    for index, month in enumerate(months):
        share = reach * (index + 1) / len(months)
        amount = funds * Decimal("0.9") / len(months) * Decimal(f"{rng.uniform(0.6, 1.4):.3f}")
        rows.append(
            {
                "month": month,
                "investment_completed": amount.quantize(CENT),
                "image_progress": _image_progress(share, plan.values["category"]),
            }
        )
    return rows


def _image_progress(share: float, category: str) -> str:
    """形象进度 as officers write it: the phase and how far along it is."""
    body = "主体厂房钢结构" if category == Project.Category.INDUSTRY else "主体结构"
    phases = (
        (0.15, "场地平整及三通一平完成{p}%"),
        (0.35, "基础工程完成{p}%"),
        (0.6, body + "完成{p}%"),
        (0.8, "主体完工，围护及屋面施工完成{p}%"),
        (0.97, "设备安装调试完成{p}%"),
    )
    lower = 0.0
    for upper, text in phases:
        if share <= upper:
            percent = round((share - lower) / (upper - lower) * 100 / 5) * 5
            return text.format(p=min(max(percent, 5), 95))
        lower = upper
    return "竣工验收完成，具备投产条件"
