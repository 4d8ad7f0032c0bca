"""A city's reporting rules (the basis (口径) of its three rates and its yearly targets), the
record of a ledger import, and the three rates' figures counted in advance for the day (the
rollup).

The rules live here, not in projects/, because only the reports read them: projects would otherwise
know about how a city chooses to publish its figures, and the dependency would run backwards
(projects ← workflow ← notifications, reports reads all three).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Activity, City, ScopedQuerySet, Zone

# Defaults of the provincial campaign: 开工率 80 %, 投产率 40 %, 达效率 95 %.
DEFAULT_TARGETS = {
    "start_rate": Decimal("80"),
    "production_rate": Decimal("40"),
    "target_rate": Decimal("95"),
}
_PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class RateBasis(models.Model):
    """What a city leaves out of the three rates' denominators; absent means the defaults."""

    city = models.OneToOneField(
        City, models.CASCADE, related_name="rate_basis", verbose_name=_("city")
    )
    terminated_in_denominator = models.BooleanField(
        _("terminated projects stay in the denominator"),
        default=True,
        help_text=_("Off: a project terminated by the report date counts in no rate."),
    )
    above_scale_industry_only = models.BooleanField(
        _("above-scale rate over industry projects only"),
        default=False,
        help_text=_(
            "On: infrastructure and livelihood projects are left out of the above-scale rate."
        ),
    )

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = None, "city"

    class Meta:
        verbose_name = _("three-rates basis")
        verbose_name_plural = _("three-rates bases")

    def __str__(self) -> str:
        return str(self.city)


class RateTarget(models.Model):
    """A city's targets for one year, in percent (the admin speaks percent, the API shares)."""

    city = models.ForeignKey(
        City, models.CASCADE, related_name="rate_targets", verbose_name=_("city")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    start_rate = models.DecimalField(
        _("start rate target (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TARGETS["start_rate"],
        validators=_PERCENT,
    )
    production_rate = models.DecimalField(
        _("production rate target (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TARGETS["production_rate"],
        validators=_PERCENT,
    )
    target_rate = models.DecimalField(
        _("target-output rate target (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TARGETS["target_rate"],
        validators=_PERCENT,
    )

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = None, "city"

    class Meta:
        verbose_name = _("three-rates target")
        verbose_name_plural = _("three-rates targets")
        ordering = ["city__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="rate_target_one_per_city_year"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}"


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


class RateRollup(models.Model):
    """The three rates' figures of one zone, round and batch counted in advance for one day
    (its zone's ``RollupMark.as_of``), split by what a basis (口径) may leave out: whether the
    project was terminated by that day, and whether it is an industry project. Any basis sums
    the rows it counts, so one refresh serves every city's basis.

    Each figure counts what ``selectors._aggregates`` counts on that day: enrollments, their
    projects' investment, the enrollments whose project reached each rate's date by then, and
    the outputs of the projects that have both an actual and a target output.
    """

    zone = models.ForeignKey(Zone, models.CASCADE, related_name="+", verbose_name=_("zone"))
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="+", verbose_name=_("activity")
    )
    kind = models.CharField(_("batch"), max_length=20)
    terminated = models.BooleanField(_("terminated by the day"))
    industry = models.BooleanField(_("industry project"))
    count = models.PositiveIntegerField(_("enrollments"))
    total_investment = models.DecimalField(max_digits=20, decimal_places=2)
    started = models.PositiveIntegerField()
    in_statistics = models.PositiveIntegerField()
    producing = models.PositiveIntegerField()
    at_target = models.PositiveIntegerField()
    above_scale = models.PositiveIntegerField()
    output_actual = models.DecimalField(max_digits=20, decimal_places=2)
    output_target = models.DecimalField(max_digits=20, decimal_places=2)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "zone", "zone__city"

    class Meta:
        verbose_name = _("three rates rollup")
        verbose_name_plural = _("three rates rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "activity", "kind", "terminated", "industry"],
                name="rate_rollup_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} · {self.activity_id} · {self.kind}"


class RollupMark(models.Model):
    """Which day a zone's ``RateRollup`` rows count, and when they were computed. A change
    that leaves no date on a project or an enrollment (a deletion, a move between zones, an
    enrollment edited) blanks the mark: the zone is then read live until the next refresh."""

    zone = models.OneToOneField(
        Zone, models.CASCADE, primary_key=True, related_name="rollup_mark", verbose_name=_("zone")
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    # A zone is read live when a project of it was stamped (``updated_at``), or an enrollment
    # of it created, up to this long before its rows were computed: a write stamped before the
    # refresh began but committed after the refresh read the zone is not in the rows (as
    # notifications.services.UNCOMMITTED_MARGIN says for the scan).
    UNCOMMITTED_MARGIN = datetime.timedelta(minutes=15)

    class Meta:
        verbose_name = _("rollup mark")
        verbose_name_plural = _("rollup marks")

    def __str__(self) -> str:
        return f"{self.zone_id} · {self.as_of}"
