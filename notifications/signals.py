"""Changes that may clear a finding: after they commit, pending deliveries of findings that no
longer hold are cancelled (``services.deliveries_cancel_cleared``). Changes the scan's
incremental check cannot see in the rows it checks (rules, the ladder, zones, people): the next
pass checks every finding of the zones concerned (``services.scan_marks_invalidate``)."""

from __future__ import annotations

from notifications.services import project_changed, projects_changed, scan_marks_invalidate


def on_transition(sender, project, **kwargs) -> None:
    project_changed(project_id=project.pk)


def on_transitions(sender, project_ids, **kwargs) -> None:
    projects_changed(project_ids=project_ids)


def on_ledger_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        project_changed(project_id=instance.project_id)


def on_rules_changed(sender, raw=False, **kwargs) -> None:
    """A stall threshold or a ladder level: every zone."""
    if not raw:
        scan_marks_invalidate()


def on_city_settings_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        scan_marks_invalidate(city_ids=[instance.city_id])


def on_zone_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        scan_marks_invalidate(zone_ids=[instance.pk])


def on_membership_changed(sender, instance, raw=False, **kwargs) -> None:
    """Someone joins the ladder of a zone or a city: they hear of its findings."""
    if not raw:
        _invalidate_where(instance)


def on_user_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """A user (re)activated; a login, which saves ``last_login`` alone, changes nothing."""
    if raw or (update_fields is not None and "is_active" not in update_fields):
        return
    membership = getattr(instance, "membership", None) if instance.pk else None
    if membership is not None:
        _invalidate_where(membership)


def _invalidate_where(membership) -> None:
    if membership.zone_id:
        scan_marks_invalidate(zone_ids=[membership.zone_id])
    elif membership.city_id:
        scan_marks_invalidate(city_ids=[membership.city_id])
