"""The guards of the stage machine: each a predicate with the sentence an officer reads when it
refuses (``condition.refusal``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from projects.models import Project


def _guard(refusal):
    """Attach the sentence an officer reads when this guard refuses a transition."""

    def mark(condition):
        condition.refusal = refusal
        return condition

    return mark


@_guard(_("An actual start date is required to start the project."))
def has_start_date(project: Project) -> bool:
    return project.started_on is not None


@_guard(_("An actual production date is required to put the project into production."))
def has_production_date(project: Project) -> bool:
    return project.producing_on is not None


@_guard(
    _(
        "The actual annual output is below the target annual output; "
        "confirm explicitly that the project has reached its target."
    )
)
def output_reached_or_confirmed(project: Project) -> bool:
    if project.target_confirmed:
        return True
    target, actual = project.target_annual_output, project.actual_annual_output
    return target is not None and actual is not None and actual >= target


@_guard(_("A date is required to reach the target output."))
def has_target_date(project: Project) -> bool:
    return project.at_target_on is not None


@_guard(_("A reason is required to terminate a project."))
def has_termination_reason(project: Project) -> bool:
    return bool(project.termination_reason.strip()) and project.terminated_on is not None
