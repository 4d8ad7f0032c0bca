"""The 三未 stall thresholds, editable in the admin.

They live in projects, not in workflow with the other rules, because the project list's
``?stalled=`` filter (projects/filtersets.py) reads them inside its SQL, and projects must not
import workflow (projects ← workflow ← notifications).
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.places import Zone
from projects.models.projects import Project
from projects.stages import Stage


class StallThreshold(models.Model):
    """Days a live project may stay in a stage before it is stalled.

    A blank zone category or tier means "any"; the most specific row wins: zone category and
    tier, then zone category alone, then tier alone, then the stage's default row.
    """

    STAGES = [(s.value, s.label) for s in (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)]
    # DESIGN.md §4's defaults: the migration writes them as each stage's default row, and the
    # stall query falls back on them only where that row is missing (a flushed test database).
    DEFAULT_DAYS = {Stage.SIGNED: 180, Stage.STARTED: 365, Stage.PRODUCING: 365}

    stage = models.CharField(_("stage"), max_length=20, choices=STAGES)
    zone_category = models.CharField(
        _("zone category"),
        max_length=20,
        choices=Zone.Category.choices,
        blank=True,
        help_text=_("Blank: every zone category."),
    )
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=Project.Tier.choices,
        blank=True,
        help_text=_("Blank: every tier."),
    )
    days = models.PositiveIntegerField(_("days"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("stall threshold")
        verbose_name_plural = _("stall thresholds")
        ordering = ["stage", "zone_category", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "zone_category", "tier"], name="stall_threshold_unique"
            ),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="stall_threshold_days"),
        ]

    def __str__(self) -> str:
        scope = " · ".join(
            str(label)
            for label in (self.get_zone_category_display(), self.get_tier_display())
            if label
        )
        return f"{self.get_stage_display()} · {scope or _('default')} · {self.days}"

    @property
    def is_default(self) -> bool:
        return not self.zone_category and not self.tier
