"""Changes to the three rates' figures that leave no date the rollup's read path checks
(``Project.updated_at``, ``Enrollment.created_at``): a project moved to another zone (the zone
it left), an enrollment deleted (also by its project's deletion) or edited. Each blanks the
marks of the zones concerned after its write, in its transaction, so those zones are read live
until their next refresh (``services.rollup_marks_blank``)."""

from __future__ import annotations

from projects.models import Enrollment, Project
from reports.services import rollup_marks_blank


def before_project_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Remember the zone the row holds, when the save may move the project."""
    if raw or instance._state.adding or (update_fields is not None and "zone" not in update_fields):
        return
    instance._rollup_zone_before = (
        Project.objects.filter(pk=instance.pk).values_list("zone_id", flat=True).first()
    )


def on_project_saved(sender, instance, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_rollup_zone_before", None)
    if before is not None and before != instance.zone_id:
        rollup_marks_blank(zone_ids={before, instance.zone_id})


def on_projects_moved(sender, zone_ids, **kwargs) -> None:
    rollup_marks_blank(zone_ids=set(zone_ids))


def before_enrollment_saved(sender, instance, raw=False, **kwargs) -> None:
    """An edited enrollment (its round, batch or project): the zone it counted in."""
    if raw or instance._state.adding:
        return
    instance._rollup_zone_before = (
        Enrollment.objects.filter(pk=instance.pk).values_list("project__zone_id", flat=True).first()
    )


def on_enrollment_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    """A new enrollment is seen by its ``created_at``; an edited one is not."""
    if raw or created:
        return
    before = instance.__dict__.pop("_rollup_zone_before", None)
    rollup_marks_blank(zone_ids={before, _zone_of(instance.project_id)})


def on_enrollment_deleted(sender, instance, **kwargs) -> None:
    """Inside the deletion's transaction (a project's deletion deletes its enrollments first,
    while the project's row is still there to name the zone)."""
    rollup_marks_blank(zone_ids={_zone_of(instance.project_id)})


def _zone_of(project_id: int) -> int | None:
    return Project.objects.filter(pk=project_id).values_list("zone_id", flat=True).first()
