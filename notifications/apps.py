from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from notifications import signals
        from notifications.models import LetterSettings
        from projects.models import Membership, Milestone, Problem, StallThreshold, Zone
        from workflow.models import CityRules, EscalationLevel
        from workflow.signals import project_transitioned, projects_transitioned

        project_transitioned.connect(signals.on_transition, dispatch_uid="alerts-transition")
        projects_transitioned.connect(signals.on_transitions, dispatch_uid="alerts-transitions")
        for model in (Milestone, Problem):
            post_save.connect(
                signals.on_ledger_saved, sender=model, dispatch_uid=f"alerts-{model.__name__}"
            )
        # What the scan's incremental check cannot see in the rows it checks.
        for model, receiver in (
            (StallThreshold, signals.on_rules_changed),
            (EscalationLevel, signals.on_rules_changed),
            (CityRules, signals.on_city_settings_changed),
            (LetterSettings, signals.on_city_settings_changed),
            (Zone, signals.on_zone_changed),
            (Membership, signals.on_membership_changed),
        ):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"scan-marks-{model.__name__}")
        post_save.connect(
            signals.on_user_saved, sender=get_user_model(), dispatch_uid="scan-marks-user"
        )
