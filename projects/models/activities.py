"""The "三个一批" rounds of a city and the projects presented in them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.dates import PlausibleDateField
from projects.models.places import City
from projects.models.projects import Project
from projects.models.scope import ScopedQuerySet
from projects.models.text import PlainTextModel


class Activity(PlainTextModel):
    """One "三个一批" round of a city, e.g. 2024年第二次."""

    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(
        City, models.PROTECT, related_name="activities", verbose_name=_("city")
    )
    held_on = PlausibleDateField(_("held on"))

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = None, "city"

    class Meta:
        verbose_name = _("“three batches” activity")
        verbose_name_plural = _("“three batches” activities")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="activity_name_unique_in_city"),
        ]
        indexes = [models.Index(fields=["city", "held_on"], name="activity_city_held_on")]

    def __str__(self) -> str:
        return f"{self.city} {self.name}"


class Enrollment(models.Model):
    """A project presented in a round as one of the three batches; one per batch kind."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("signed batch")
        STARTED = "started", _("started batch")
        PRODUCING = "producing", _("producing batch")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="enrollments", verbose_name=_("project")
    )
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="enrollments", verbose_name=_("activity")
    )
    kind = models.CharField(_("batch"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # A batch past 签约 presents what the project has done: it must have entered that stage
    # (its stage-entry date is set; a terminated project keeps the dates it reached).
    REACHED_ON = {Kind.STARTED: "started_on", Kind.PRODUCING: "producing_on"}
    NOT_REACHED = {
        Kind.STARTED: _("The project has not started, so it cannot be in the started batch."),
        Kind.PRODUCING: _(
            "The project is not in production, so it cannot be in the producing batch."
        ),
    }

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "project__zone", "project__zone__city"

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="enrollment_one_per_kind"),
        ]
        indexes = [
            models.Index(fields=["activity", "kind"], name="enrollment_activity_kind"),
            # The three rates' rollup: the zones that gained an enrollment since their refresh.
            models.Index(fields=["created_at"], name="enrollment_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.get_kind_display()} · {self.project}"

    def clean(self) -> None:
        errors = {}
        if (
            self.project_id
            and self.activity_id
            and self.project.zone.city_id != self.activity.city_id
        ):
            errors["activity"] = _("The activity belongs to another city than the project's zone.")
        if self.project_id and self.kind in self.REACHED_ON:
            reached_on = getattr(self.project, self.REACHED_ON[self.kind])
            if reached_on is None:
                errors["kind"] = self.NOT_REACHED[self.kind]
        if errors:
            raise ValidationError(errors)
