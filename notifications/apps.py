from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import signals
        from projects.models import Milestone, Problem
        from workflow.signals import project_transitioned, projects_transitioned

        project_transitioned.connect(signals.on_transition, dispatch_uid="alerts-transition")
        projects_transitioned.connect(signals.on_transitions, dispatch_uid="alerts-transitions")
        for model in (Milestone, Problem):
            post_save.connect(
                signals.on_ledger_saved, sender=model, dispatch_uid=f"alerts-{model.__name__}"
            )
