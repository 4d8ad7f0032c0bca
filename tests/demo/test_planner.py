import datetime
from collections import Counter

from demo.data import ZoneSpec
from demo.planner import ZoneStaff, plan_city, plan_project
from projects.roles import Role
from projects.stages import Stage, Transition

DAY = datetime.date(2026, 11, 25)


def test_the_same_seed_and_day_give_the_same_plan_without_touching_the_database(
    db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        first = plan_city(DAY)
        again = plan_city(DAY)
        other_seed = plan_city(DAY, seed=7)

    assert first == again
    assert first is not again
    assert [p.name for p in other_seed.projects] != [p.name for p in first.projects]


def test_the_plan_has_the_demo_proportions_and_its_people_take_every_step():
    plan = plan_city(DAY)

    finals = Counter(project.final_stage for project in plan.projects)
    assert finals == {
        Stage.SIGNED: 41,
        Stage.STARTED: 102,
        Stage.PRODUCING: 57,
        Stage.AT_TARGET: 80,
        Stage.TERMINATED: 20,
    }
    assert len(plan.zones) == 12
    assert len({(p.zone.code, p.name) for p in plan.projects}) == 300
    roles = {person.username: (person.role, person.zone) for person in plan.people}
    assert len(roles) == len(plan.people) == 63
    for project in plan.projects:
        zone = project.zone.code
        assert roles[project.officer] == (Role.OFFICER, zone)
        assert roles[project.leader] == (Role.VIEWER, zone)
        for step in project.steps:
            role = Role.ZONE_LEADER if step.name == Transition.TERMINATE else Role.OFFICER
            assert roles[step.by] == (role, zone)


def test_nothing_in_the_plan_happens_after_the_day_it_is_planned_for():
    day = datetime.date(2025, 10, 1)

    plan = plan_city(day)

    for project in plan.projects:
        dates = [
            *project.stage_dates.values(),
            *(step.effective_on for step in project.steps),
            *(row["done_on"] for row in project.milestones if row["done_on"]),
            *(row["raised_on"] for row in project.problems),
            *(row["resolved_on"] for row in project.problems if row["resolved_on"]),
            *(row["month"] for row in project.progress),
        ]
        assert max(dates) <= day, project.name
        assert all(step.effective_on <= day - datetime.timedelta(days=3) for step in project.steps)


def test_projects_planned_for_a_zone_of_ones_own_get_names_not_yet_used_in_it():
    zone = ZoneSpec(
        "test-zone", "测试经济开发区", "尧都区", "industrial", "provincial", ("低空经济",), 8
    )
    staff = ZoneStaff("officer-test", "zoneleader-test", ("leader-test-1",))
    used: set[str] = set()

    # the same seed every time: the same draws, so only the used names tell them apart
    plans = [plan_project(zone, staff, seed=11, today=DAY, used=used) for _ in range(8)]

    names = [plan.name for plan in plans]
    assert len(set(names)) == 8
    assert used == set(names)
    assert any("（二期）" in name for name in names)
    assert {plan.leader for plan in plans} == {"leader-test-1"}
