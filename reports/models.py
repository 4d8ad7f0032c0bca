"""A city's reporting rules: the basis (口径) of its three rates and its yearly targets.

They live here, not in projects/, because only the reports read them: projects would otherwise
know about how a city chooses to publish its figures, and the dependency would run backwards
(projects ← workflow ← notifications, reports reads all three).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import City, ScopedQuerySet

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
