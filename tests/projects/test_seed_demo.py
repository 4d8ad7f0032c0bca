import datetime
from io import StringIO

from django.core.management import call_command

from projects.models import Enrollment, Problem, ProgressReport, Project, Stage, Zone
from workflow.models import TransitionLog


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Zone, Project, Enrollment, TransitionLog, Problem, ProgressReport)
    }


def test_seed_demo_fills_every_stage_and_running_it_again_changes_nothing(db, time_machine):
    # the demo's rounds are 2024–2025; seed it as of a day after the last of them
    time_machine.move_to(datetime.datetime(2026, 11, 25, 4, tzinfo=datetime.UTC), tick=False)
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    stages = set(Project.objects.values_list("stage", flat=True))

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert _counts() == first
    assert stages == set(Stage.values)
    assert first["Zone"] >= 12
    assert first["Project"] >= 200
    assert "supervisor" in out.getvalue()
    # every stage change of the demo went through the service and left its log row
    moved = Project.objects.exclude(stage=Stage.SIGNED).count()
    assert TransitionLog.objects.values("project").distinct().count() == moved
