"""The three rates from the rollup equal the live aggregate, figure for figure, on every basis and
by zone: after a refresh, after any change the rollup cannot have seen, and after the next
refresh. Each way a zone's rows go stale is pinned by its own test."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from projects.errors import Invalid, Refusal
from projects.models import Enrollment, Project, Stage
from projects.services import project_update, project_update_many
from reports.models import RateRollup, RollupMark
from reports.selectors import (
    Basis,
    Narrowing,
    rollup_split,
    three_rates,
    three_rates_by_round,
    three_rates_report,
)
from reports.services import rollups_refresh
from reports.tasks import rollups_refresh_task
from tests.factories import ActivityFactory, ProjectFactory
from workflow.services import Move, project_transition, projects_transition_many

TODAY = datetime.date(2025, 6, 30)
LAST_YEAR = datetime.date(2024, 6, 30)
KINDS = [Enrollment.Kind.SIGNED, Enrollment.Kind.STARTED, Enrollment.Kind.PRODUCING]
BASES = [
    {"terminated_in_denominator": t, "above_scale_industry_only": a}
    for t in (True, False)
    for a in (True, False)
]


def later(hours: float):
    """The clock moved on from the tests' frozen morning (data written at +0)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False)


def live(call):
    """``call``'s answer with no rollup mark: every zone aggregated live."""
    with transaction.atomic():
        RollupMark.objects.all().delete()
        answer = call()
        transaction.set_rollback(True)
    return answer


@pytest.fixture
def world(city, zone_a, zone_b, foreign_zone, supervisor, officer):
    boss = get_user_model().objects.create_superuser("boss", password="pw-for-tests")
    rounds = [
        ActivityFactory(city=city, name="2024年第二次", held_on=datetime.date(2024, 6, 20)),
        ActivityFactory(city=city, name="2025年第一次", held_on=datetime.date(2025, 3, 1)),
        ActivityFactory(
            city=foreign_zone.city, name="2024年第一次", held_on=datetime.date(2024, 5, 1)
        ),
    ]
    return {
        "zones": [zone_a, zone_b, foreign_zone],
        "rounds": rounds,
        "users": {"boss": boss, "supervisor": supervisor, "officer": officer},
    }


def make(
    world,
    *,
    zone=0,
    stage=Stage.SIGNED,
    signed=0,
    steps=(30, 30, 30),
    terminated=None,
    category=Project.Category.INDUSTRY,
    investment="100.00",
    actual=None,
    target="80.00",
    statistics=None,
    above_scale=None,
    enrolled=(),
):
    """A project written as it stands (no transitions), with its enrollments."""
    signed_on = datetime.date(2023, 1, 1) + datetime.timedelta(days=signed)
    dates, on = {}, signed_on
    reached = {Stage.SIGNED: 0, Stage.STARTED: 1, Stage.PRODUCING: 2, Stage.AT_TARGET: 3}
    depth = reached.get(stage, 2 if terminated is not None else 0)
    for field, step in zip(("started_on", "producing_on", "at_target_on"), steps, strict=True):
        if len(dates) >= depth or (stage == Stage.TERMINATED and field == "at_target_on"):
            break
        on = on + datetime.timedelta(days=step)
        dates[field] = on
    if stage == Stage.TERMINATED:
        dates["terminated_on"] = signed_on + datetime.timedelta(days=terminated or 0)
    zone = world["zones"][zone]
    project = ProjectFactory(
        zone=zone,
        stage=stage,
        signed_on=signed_on,
        category=category,
        total_investment=Decimal(investment),
        funds_in_place=Decimal("0"),
        actual_annual_output=None if actual is None else Decimal(actual),
        target_annual_output=None if target is None else Decimal(target),
        in_statistics_on=statistics,
        above_scale_on=above_scale,
        **dates,
    )
    for kind, round_index in enrolled:
        round_ = world["rounds"][2 if zone.city_id != world["rounds"][0].city_id else round_index]
        Enrollment.objects.create(project=project, activity=round_, kind=kind)
    return project


def answers(world, as_of: datetime.date) -> list:
    """Every public answer the rollup serves, for every user, basis and narrowing."""
    zone_b = world["zones"][1]
    out = []
    for name, user in world["users"].items():
        for basis in BASES:
            for params in (
                {},
                {"by_zone": True},
                {"zone": zone_b.code} if name != "officer" else {},
                {"activities": [world["rounds"][0].pk]},
                {"held_from": datetime.date(2025, 1, 1)},
                {"held_to": datetime.date(2024, 12, 31), "by_zone": True},
            ):
                try:
                    out.append(three_rates_report(user=user, as_of=as_of, **basis, **params))
                except Invalid as refusal:  # a zone moved out of the user's city
                    out.append(refusal.code)
        out.append(three_rates_by_round(user=user, as_of=as_of))
    for basis in BASES:
        out.append(
            three_rates(narrowing=Narrowing(), as_of=as_of, basis=Basis(**basis), by_zone=True)
        )
    return out


def assert_as_live(world, as_of=TODAY):
    assert answers(world, as_of) == live(lambda: answers(world, as_of))


# The property


money = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: f"{cents / 100:.2f}")
day = st.integers(min_value=0, max_value=300)
projects = st.lists(
    st.fixed_dictionaries(
        {
            "zone": st.integers(0, 2),
            "stage": st.sampled_from(list(Stage)),
            "signed": st.integers(0, 600),
            "steps": st.tuples(day, day, day),
            "terminated": day,
            "category": st.sampled_from(list(Project.Category)),
            "investment": money,
            "actual": st.none() | money,
            "target": st.none() | money,
            "statistics": st.none() | st.dates(datetime.date(2023, 1, 1), TODAY),
            "above_scale": st.none() | st.dates(datetime.date(2023, 1, 1), TODAY),
            "enrolled": st.lists(
                st.tuples(st.sampled_from(KINDS), st.integers(0, 1)),
                unique_by=lambda pair: pair[0],
                max_size=3,
            ),
        }
    ),
    min_size=1,
    max_size=10,
)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("terminate"), st.integers(0, 9)),
        st.tuples(st.just("start"), st.integers(0, 9)),
        st.tuples(st.just("terminate many"), st.integers(0, 9)),
        st.tuples(
            st.just("patch"),
            st.integers(0, 9),
            st.sampled_from(list(Project.Category)),
            money,
            st.none() | money,
        ),
        st.tuples(st.just("enrol"), st.integers(0, 9), st.sampled_from(KINDS), st.integers(0, 1)),
        st.tuples(st.just("unenrol"), st.integers(0, 9)),
        st.tuples(st.just("delete"), st.integers(0, 9)),
        st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 2)),
        st.tuples(st.just("move many"), st.integers(0, 9), st.integers(0, 2)),
    ),
    max_size=6,
)


def apply(world, made: list[Project], change: tuple) -> None:
    boss = world["users"]["boss"]
    what, index, *rest = change
    project = Project.objects.filter(pk=made[index % len(made)].pk).first()
    if project is None:
        return
    try:
        if what == "terminate":
            project_transition(
                project=project, name="terminate", by=boss, effective_on=TODAY, note="资金链断裂"
            )
        elif what == "start":
            project_transition(project=project, name="start", by=boss, effective_on=TODAY)
        elif what == "terminate many":
            projects_transition_many(
                moves=[Move(project_id=project.pk, name="terminate", effective_on=TODAY)],
                by=boss,
                note="资金链断裂",
            )
        elif what == "patch":
            category, investment, actual = rest
            project_update(
                project=project,
                by=boss,
                category=category,
                total_investment=Decimal(investment),
                actual_annual_output=None if actual is None else Decimal(actual),
            )
        elif what == "enrol":
            kind, round_index = rest
            if not project.enrollments.filter(kind=kind).exists():
                foreign = project.zone.city_id != world["rounds"][0].city_id
                round_ = world["rounds"][2 if foreign else round_index]
                Enrollment.objects.create(project=project, activity=round_, kind=kind)
        elif what == "unenrol":
            enrollment = project.enrollments.order_by("pk").first()
            if enrollment is not None:
                enrollment.delete()
        elif what == "delete":
            project.delete()
        elif what == "move":
            project_update(project=project, by=boss, zone=world["zones"][rest[0]])
        elif what == "move many":
            project_update_many(by=boss, changes=[(project, {"zone": world["zones"][rest[0]]})])
    except (Refusal, ProtectedError):
        pass


def test_the_rollup_answers_as_the_live_aggregate_whatever_changed(world):
    @settings(
        max_examples=25,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        specs=projects,
        refreshed=st.sampled_from([TODAY, LAST_YEAR]),
        some_zones=st.booleans(),
        edits=changes,
        again=st.booleans(),
    )
    def as_live(specs, refreshed, some_zones, edits, again):
        with transaction.atomic():
            # given projects, enrollments and a refresh an hour after they were written
            made = [make(world, **spec) for spec in specs]
            zone_ids = [world["zones"][0].pk] if some_zones else None
            with later(1):
                rollups_refresh(as_of=refreshed, zone_ids=zone_ids)
                assert_as_live(world, refreshed)
            # when things change after the refresh
            with later(2):
                for change in edits:
                    apply(world, made, change)
                # then the answer is still the live one, for the day refreshed and another
                assert_as_live(world, refreshed)
                assert_as_live(world, LAST_YEAR if refreshed == TODAY else TODAY)
            # and after the next refresh, when the changes are in the rows
            if again:
                with later(3):
                    rollups_refresh(as_of=refreshed)
                    assert_as_live(world, refreshed)
            transaction.set_rollback(True)

    as_live()


# What the refresh writes


@pytest.fixture
def rolled(world):
    """Two projects of zone A, one of zone B, all enrolled, refreshed an hour later."""
    a1 = make(
        world, stage=Stage.PRODUCING, actual="10.00", enrolled=[("signed", 0), ("producing", 1)]
    )
    a2 = make(world, stage=Stage.STARTED, category="infrastructure", enrolled=[("started", 0)])
    b1 = make(world, zone=1, stage=Stage.AT_TARGET, above_scale=TODAY, enrolled=[("signed", 1)])
    with later(1):
        rollups_refresh(as_of=TODAY)
    return {"a1": a1, "a2": a2, "b1": b1}


def fresh_zones(as_of=TODAY) -> set[int]:
    """The zones the read path takes from the rollup."""
    return set(rollup_split(Narrowing(), as_of)[0])


def test_a_refresh_writes_one_row_per_zone_round_batch_and_split(world, rolled):
    assert RateRollup.objects.count() == 4
    assert set(RollupMark.objects.values_list("zone_id", "as_of")) == {
        (zone.pk, TODAY) for zone in world["zones"]
    }


def test_a_second_refresh_replaces_the_rows(world, rolled):
    with later(1.5):
        rollups_refresh(as_of=TODAY)

    assert RateRollup.objects.count() == 4


def test_the_task_refreshes_every_zone_for_today(world, rolled):
    RollupMark.objects.all().delete()

    with later(1.5):
        assert rollups_refresh_task() == 3

    assert set(RollupMark.objects.values_list("as_of", flat=True)) == {TODAY}


def test_the_task_leaves_the_zones_whose_rows_hold_today_and_counts_the_changed_one(world, rolled):
    # given every zone refreshed for today, then one project changed a quarter hour later
    with later(1.5):
        rollups_refresh(as_of=TODAY)
    computed = dict(RollupMark.objects.values_list("zone_id", "computed_at"))
    project = Project.objects.order_by("pk").first()
    with later(1.75):
        project.save()

    # when the task runs again, within the hour
    with later(2.25):
        refreshed = rollups_refresh_task()

    # then only the changed project's zone was counted again
    assert refreshed == 1
    after = dict(RollupMark.objects.values_list("zone_id", "computed_at"))
    assert {zone for zone in after if after[zone] != computed[zone]} == {project.zone_id}


def test_the_task_counts_again_a_zone_counted_over_an_hour_ago_though_nothing_changed(
    world, rolled
):
    # given every zone counted (by the fixture) an hour after the data was written
    with later(1.5):
        assert rollups_refresh_task() == 0

    # when the task runs over an hour after that count
    with later(2.25):
        assert rollups_refresh_task() == 3

    assert set(RollupMark.objects.values_list("as_of", flat=True)) == {TODAY}


def test_the_schedule_row_runs_the_refresh_every_ten_minutes(data_migration_rows):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="reports.tasks.rollups_refresh_task")
    assert (task.interval.every, task.interval.period) == (10, "minutes")


# When a zone is read from the rollup, and when live


def test_fresh_zones_are_summed_from_the_rollup(world, rolled):
    with later(1.5):
        assert fresh_zones() == {zone.pk for zone in world["zones"]}
        assert_as_live(world)


def test_other_days_are_live(world, rolled):
    with later(1.5):
        assert fresh_zones(LAST_YEAR) == set()
        assert_as_live(world, LAST_YEAR)


def test_rows_written_just_before_the_refresh_are_read_live(world):
    # given a refresh a minute after the rows were written (their transaction may have been
    # uncommitted when the refresh read)
    make(world, stage=Stage.STARTED, enrolled=[("started", 0)])
    with later(1 / 60):
        rollups_refresh(as_of=TODAY)
        # then every zone with such a row is read live
        assert world["zones"][0].pk not in fresh_zones()
        assert_as_live(world)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(("terminate", 0), id="a transition's compare-and-set"),
        pytest.param(("terminate many", 1), id="a bulk transition"),
        pytest.param(("patch", 0, "livelihood", "5.00", None), id="a patch"),
        pytest.param(("enrol", 1, "producing", 0), id="a new enrollment"),
        pytest.param(("unenrol", 0), id="an enrollment deleted"),
        pytest.param(("delete", 1), id="a project deleted"),
    ],
)
def test_a_change_makes_its_zone_live_and_leaves_the_others(world, rolled, change):
    made = [rolled["a1"], rolled["a2"]]
    _zone_a, zone_b, foreign = world["zones"]

    with later(2):
        apply(world, made, change)

        assert fresh_zones() == {zone_b.pk, foreign.pk}
        assert_as_live(world)


@pytest.mark.parametrize("how", ["move", "move many"])
def test_a_project_moved_makes_both_zones_live(world, rolled, how):
    zone_a, _zone_b, foreign = world["zones"]

    with later(2):
        apply(world, [rolled["b1"]], (how, 0, 0))

        assert Project.objects.get(pk=rolled["b1"].pk).zone == zone_a
        assert fresh_zones() == {foreign.pk}
        assert_as_live(world)


def test_an_enrollment_edited_makes_its_zone_live(world, rolled):
    enrollment = rolled["b1"].enrollments.get()

    with later(2):
        enrollment.activity = world["rounds"][0]
        enrollment.save()

        assert world["zones"][1].pk not in fresh_zones()
        assert_as_live(world)


def test_a_zone_moved_to_another_city_is_narrowed_by_its_city_now(world, rolled, other_city):
    zone_b = world["zones"][1]

    with later(2):
        zone_b.city = other_city
        zone_b.save()

        assert zone_b.pk in fresh_zones()
        assert_as_live(world)


def test_a_round_held_on_another_day_is_narrowed_by_its_day_now(world, rolled):
    round_ = world["rounds"][1]

    with later(2):
        round_.held_on = datetime.date(2024, 1, 1)
        round_.save()

        assert_as_live(world)


# Queries


def test_the_rollup_path_takes_a_fixed_number_of_queries(world, rolled, django_assert_num_queries):
    narrowing, basis = Narrowing(), Basis()
    # the zones and their marks, the zones changed since, the rollup's sums
    with later(1.5), django_assert_num_queries(3):
        three_rates(narrowing=narrowing, as_of=TODAY, basis=basis, by_zone=True)
    with later(2):
        make(world, zone=1, stage=Stage.STARTED, enrolled=[("started", 0)])
        # and the changed zone's live aggregate
        with django_assert_num_queries(4):
            three_rates(narrowing=narrowing, as_of=TODAY, basis=basis)
        # another day: the marks, then the live aggregate
        with django_assert_num_queries(2):
            three_rates(narrowing=narrowing, as_of=LAST_YEAR, basis=basis)
