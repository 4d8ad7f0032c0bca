"""The transition log: one immutable row per stage change, written with the change itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ScopedQuerySet, Stage, Transition
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
