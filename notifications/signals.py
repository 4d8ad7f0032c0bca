"""Changes that may clear a finding: after they commit, pending deliveries of findings that no
longer hold are cancelled (``services.deliveries_cancel_cleared``)."""

from __future__ import annotations

from notifications.services import project_changed, projects_changed


def on_transition(sender, project, **kwargs) -> None:
    project_changed(project_id=project.pk)


def on_transitions(sender, project_ids, **kwargs) -> None:
    projects_changed(project_ids=project_ids)


def on_ledger_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        project_changed(project_id=instance.project_id)
