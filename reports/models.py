"""The record of a ledger import: its status and progress for a page's bar, and its answer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import ScopedQuerySet, Zone


class LedgerImport(models.Model):
    class Status(models.TextChoices):
        VALIDATING = "validating", _("validating")
        FAILED = "failed", _("failed")
        READY = "ready", _("ready")
        APPLIED = "applied", _("applied")

    zone = models.ForeignKey(
        Zone, models.PROTECT, related_name="ledger_imports", verbose_name=_("zone")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The uploaded workbook, kept until a worker has read it (any worker, on any machine).
    file = models.BinaryField(_("file"), null=True, editable=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALIDATING
    )
    progress = models.FloatField(_("progress"), default=0.0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "zone", "zone__city"

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.zone} · {self.file_name} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
