"""Cohorts built by hand, many projects at once: rows written straight to the table with stage
and dates that agree (the database's check constraint holds them to it), then enrolled."""

import datetime
from decimal import Decimal

from projects.models import Enrollment, Project, Stage

SIGNED_ON = datetime.date(2022, 3, 1)
STARTED_ON = datetime.date(2022, 9, 1)
PRODUCING_ON = datetime.date(2023, 4, 1)
AT_TARGET_ON = datetime.date(2023, 10, 1)
TERMINATED_ON = datetime.date(2023, 6, 1)

_DATES = {
    Stage.SIGNED: {},
    Stage.STARTED: {"started_on": STARTED_ON},
    Stage.PRODUCING: {"started_on": STARTED_ON, "producing_on": PRODUCING_ON},
    Stage.AT_TARGET: {
        "started_on": STARTED_ON,
        "producing_on": PRODUCING_ON,
        "at_target_on": AT_TARGET_ON,
    },
}


def enrol(
    *,
    zone,
    activity,
    kind: str,
    count: int,
    stage: str,
    terminated: bool = False,
    investment: str = "1000.00",
    **fields,
) -> list[Project]:
    """``count`` projects of ``zone`` at ``stage`` (terminated from it, if asked), in the batch
    ``kind`` of ``activity``."""
    dates = dict(_DATES[stage])
    if terminated:
        dates.update(terminated_on=TERMINATED_ON, termination_reason="投资方退出")
    projects = Project.objects.bulk_create(
        Project(
            name=f"{zone.code}-{kind}-{stage}-{index}-{Project.objects.count()}",
            investor="山西测试投资有限公司",
            zone=zone,
            industry_chain="新材料",
            total_investment=Decimal(investment),
            signed_on=SIGNED_ON,
            stage=Stage.TERMINATED if terminated else stage,
            **dates,
            **fields,
        )
        for index in range(count)
    )
    Enrollment.objects.bulk_create(
        Enrollment(project=project, activity=activity, kind=kind) for project in projects
    )
    return projects
