import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from demo.data import DEMO_LOGINS, PASSWORD
from projects.models import Enrollment, Membership, Problem, ProgressReport, Project, Stage, Zone
from tests.factories import CityFactory, ZoneFactory
from workflow.models import TransitionLog

User = get_user_model()

# What the demo holds when seeded on 2026-11-25: the stages are fixed by the seed, the ledger
# rows by the seed and the day.
REPORT = """\
临汾市: 12 zones, 4 rounds, 300 projects ({new} new, {moved} moved through the workflow)
  signed        41  签约
  started      102  开工
  producing     57  投产
  at_target     80  达效
  terminated    20  终止
  enrollments 535, transitions 487, milestones 733, problems 216, monthly reports 2298
Done in X s. Demo logins (password demo12345):
  admin        superuser    全部
  officer      officer      临汾经济开发区
  zone_leader  zone_leader  临汾经济开发区
  supervisor   supervisor   临汾市
  viewer       viewer       临汾市
  also officer-<zone code>, zoneleader-<zone code>, leader-<zone code>-1..3 per zone
"""


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Membership,
            Zone,
            Project,
            Enrollment,
            TransitionLog,
            Problem,
            ProgressReport,
        )
    }


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return re.sub(r"Done in [0-9.]+ s\.", "Done in X s.", out.getvalue())


def test_seed_demo_fills_every_stage_and_running_it_again_changes_nothing(db, time_machine):
    # given the demo's rounds (2024–2025) are past: seed it as of a day after the last of them
    time_machine.move_to(datetime.datetime(2026, 11, 25, 4, tzinfo=datetime.UTC), tick=False)
    first_report = _seed()
    first = _counts()
    # and someone changed a demo login's password
    supervisor = User.objects.get(username="supervisor")
    supervisor.set_password("changed-it-9876")
    supervisor.save()

    # when it runs again
    second_report = _seed()

    # then nothing changed but that password, and both runs said what they did
    assert _counts() == first
    assert first_report == REPORT.format(new=300, moved=259)
    assert second_report == REPORT.format(new=0, moved=0)
    stages = dict(Project.objects.values_list("stage").annotate(n=Count("id")))
    assert stages == {
        Stage.SIGNED: 41,
        Stage.STARTED: 102,
        Stage.PRODUCING: 57,
        Stage.AT_TARGET: 80,
        Stage.TERMINATED: 20,
    }
    # 5 logins, and per zone an officer, a zone leader and three leaders (the logins serve one)
    assert first["User"] == first["Membership"] + 1 == 5 + 11 * 2 + 12 * 3
    for username, *_ in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(PASSWORD), username
    # every stage change of the demo went through the service and left its log row
    moved = Project.objects.exclude(stage=Stage.SIGNED).count()
    assert TransitionLog.objects.values("project").distinct().count() == moved


def test_seed_demo_refuses_reference_data_that_conflicts_with_what_is_stored(db):
    # given someone made a zone with a demo zone's name under another code, by hand
    ZoneFactory(code="by-hand", name="临汾经济开发区", city=CityFactory(name="临汾市"))

    # when the demo is seeded, then it stops with a message naming the conflict, writing nothing
    with pytest.raises(CommandError, match="Reference data conflicts with what is stored"):
        call_command("seed_demo", stdout=StringIO())
    assert list(Zone.objects.values_list("code", flat=True)) == ["by-hand"]
    assert not User.objects.exists()
