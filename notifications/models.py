"""Alerts: one row per finding, level and recipient, written before any delivery (an outbox).

The dedup key is a unique constraint, so a re-run scan, a retried task or a second worker can
never create the same alert twice. The scan that writes them arrives with the alerts work; the
in-app inbox reads them now.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ScopedQuerySet


class AlertQuerySet(ScopedQuerySet):
    def inbox_of(self, user):
        """The user's own alerts about projects they can still see."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.restrict(user).filter(recipient=user)


class Alert(models.Model):
    class Rule(models.TextChoices):
        MILESTONE_DUE = "milestone_due", _("milestone due soon")
        MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
        SIGNED_NOT_STARTED = "signed_not_started", _("signed, not started")
        STARTED_NOT_PRODUCING = "started_not_producing", _("started, not producing")
        PRODUCING_NOT_AT_TARGET = "producing_not_at_target", _("producing, not at target")

    class Level(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        WARNING = "warning", _("warning")
        LETTER = "letter", _("warning letter")
        INTERVIEW = "interview", _("interview")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="alerts", verbose_name=_("recipient")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="alerts", verbose_name=_("project")
    )
    rule = models.CharField(_("rule"), max_length=40, choices=Rule.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    # The period the finding belongs to (e.g. the overdue milestone's date, or the stall's week),
    # so the same finding in the same period is one alert however often it is found.
    due_period = models.CharField(_("due period"), max_length=20)
    message = models.TextField(_("message"))
    days_over = models.PositiveIntegerField(_("days over"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "rule", "project", "level", "due_period"],
                name="alert_dedup_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="alert_unread_inbox",
                condition=Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.project} · {self.get_rule_display()}"
