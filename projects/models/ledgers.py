"""What officers record about a project: its annual task list, problem ledger and monthly
progress."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models.dates import MoneyField, PlausibleDateField
from projects.models.projects import Project
from projects.models.scope import ScopedQuerySet
from projects.models.text import PlainTextModel


class ProjectLedgerRow(PlainTextModel):
    """A row of a project's ledger that the scan reads: saving it marks the project changed,
    so the scan's next pass re-checks the project (``ProjectQuerySet.touch``)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        Project.objects.filter(pk=self.project_id).touch()


class Milestone(ProjectLedgerRow):
    """A planned date in the project's annual task list (年度任务清单)."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    planned_on = PlausibleDateField(_("planned on"))
    done_on = PlausibleDateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="milestone_name_unique"),
        ]
        indexes = [
            models.Index(
                fields=["planned_on"],
                name="milestone_open_planned_on",
                condition=Q(done_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    def clean(self) -> None:
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("This date cannot be in the future.")})


class Problem(ProjectLedgerRow):
    """An obstacle on the problem ledger (问题台账), open until resolved (销号)."""

    class Category(models.TextChoices):
        LAND = "land", _("land")
        FUNDING = "funding", _("funding")
        APPROVAL = "approval", _("approval")
        UTILITIES = "utilities", _("water, power and gas")
        LABOUR = "labour", _("labour")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        ZONE = "zone", _("zone")
        COUNTY = "county", _("county")
        CITY = "city", _("city")
        PROVINCE = "province", _("province")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="problems", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    coordination_level = models.CharField(
        _("coordination level"), max_length=20, choices=Level.choices, default=Level.ZONE
    )
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=100)
    raised_on = PlausibleDateField(_("raised on"))
    deadline = PlausibleDateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_on = PlausibleDateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_on__isnull=True)
                | Q(status="resolved", resolved_on__isnull=False),
                name="problem_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("raised_on")), name="problem_deadline_after_raised"
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"], name="problem_open_deadline", condition=Q(status="open")
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_category_display()}"

    def clean(self) -> None:
        errors = {}
        if self.raised_on and self.deadline and self.deadline < self.raised_on:
            errors["deadline"] = _("The deadline cannot be before the date the problem was raised.")
        if self.status == self.Status.RESOLVED and not self.resolved_on:
            errors["resolved_on"] = _("A resolved problem needs the date it was resolved.")
        if self.status == self.Status.OPEN and self.resolved_on:
            errors["resolved_on"] = _("An open problem has no resolution date.")
        if self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = _("A problem cannot be resolved before it was raised.")
        if self.resolved_on and self.resolved_on > timezone.localdate():
            errors["resolved_on"] = _("This date cannot be in the future.")
        if self.raised_on and self.raised_on > timezone.localdate():
            errors["raised_on"] = _("This date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class ProgressReport(PlainTextModel):
    """The monthly progress of a project: investment completed and image progress."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="progress_reports", verbose_name=_("project")
    )
    month = PlausibleDateField(
        _("month"),
        help_text=_("The first day of the month reported on."),
    )
    investment_completed = MoneyField(_("investment completed (10k yuan)"))
    image_progress = models.TextField(_("image progress"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="progress_one_per_month"),
            models.CheckConstraint(
                condition=Q(investment_completed__gte=0), name="progress_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month:%Y-%m}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Give the month as its first day.")})
        if self.month and self.month > timezone.localdate().replace(day=1):
            raise ValidationError({"month": _("Progress cannot be reported for a future month.")})
