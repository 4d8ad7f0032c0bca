"""The transition log (one immutable row per stage change, written with the change itself) and
the rules the scan applies: the escalation ladder and each city's own settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import City, Project, ScopedQuerySet, Stage, Transition
from projects.models.dates import PlausibleDateField


class HistoryIsImmutable(Exception):
    """History is never edited; a mistake is undone by a new ``correct`` row."""


class TransitionLogQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise HistoryIsImmutable("TransitionLog rows cannot be updated.")

    def delete(self):
        raise HistoryIsImmutable("TransitionLog rows cannot be deleted.")


class TransitionLog(models.Model):
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="transition_logs", verbose_name=_("project")
    )
    transition = models.CharField(_("transition"), max_length=30, choices=Transition.choices)
    source = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    target = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    effective_on = PlausibleDateField(_("effective on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = TransitionLogQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["project", "recorded_at", "id"]
        indexes = [models.Index(fields=["project", "recorded_at"], name="transitionlog_project")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_transition_display()} · {self.effective_on}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise HistoryIsImmutable("TransitionLog rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsImmutable("TransitionLog rows cannot be deleted.")


class Rule(models.TextChoices):
    """What a finding is about; the stall kinds are the 三未 of ``projects.selectors``."""

    MILESTONE_DUE = "milestone_due", _("milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
    PROBLEM_OVERDUE = "problem_overdue", _("problem past its deadline")
    SIGNED_NOT_STARTED = "signed_not_started", _("signed, not started")
    STARTED_NOT_PRODUCING = "started_not_producing", _("started, not producing")
    PRODUCING_NOT_AT_TARGET = "producing_not_at_target", _("producing, not at target")
    LETTER_REPLY_OVERDUE = "letter_reply_overdue", _("warning letter not answered in time")


class Level(models.TextChoices):
    """The escalation ladder's levels, lowest first."""

    REMINDER = "reminder", _("reminder")
    WARNING = "warning", _("warning")
    LETTER = "letter", _("warning letter")
    INTERVIEW = "interview", _("interview")


class EscalationLevelQuerySet(models.QuerySet):
    def ladder(self) -> list[EscalationLevel]:
        """The levels by the day they start, lowest first."""
        return list(self.order_by("starts_at_days", "pk"))


class EscalationLevel(models.Model):
    """One step of the escalation ladder: from how many days over, and who is told.

    An ordered, editable chain of steps, as Grafana OnCall's escalation policies are; each level
    is raised once per finding.
    """

    level = models.CharField(_("level"), max_length=20, choices=Level.choices, unique=True)
    starts_at_days = models.PositiveIntegerField(_("starts at days over"))
    to_officer = models.BooleanField(_("the project officer"), default=False)
    to_leader = models.BooleanField(_("the responsible leader"), default=False)
    to_zone_leaders = models.BooleanField(_("the zone leaders"), default=False)
    to_supervisors = models.BooleanField(_("the city supervisors"), default=False)

    objects = EscalationLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation ladder")
        ordering = ["starts_at_days"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.starts_at_days}"


class CityRules(models.Model):
    """A city's own settings for the scan; a city without a row uses the field defaults."""

    city = models.OneToOneField(City, models.CASCADE, related_name="rules", verbose_name=_("city"))
    milestone_reminder_days = models.PositiveIntegerField(
        _("milestone reminder, days before"), default=7
    )
    ack_stops_climb = models.BooleanField(
        _("acknowledging an alert stops its escalation"),
        default=False,
        help_text=_(
            "Off by default: a warning letter is about the project, not about reading a message."
        ),
    )

    class Meta:
        verbose_name = _("city rules")
        verbose_name_plural = _("city rules")

    def __str__(self) -> str:
        return str(self.city)

    @classmethod
    def of(cls, city_id: int) -> CityRules:
        return cls.objects.filter(city_id=city_id).first() or cls(city_id=city_id)
