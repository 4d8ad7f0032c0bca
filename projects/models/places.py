"""Cities and their development zones (开发区)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.scope import ScopedQuerySet
from projects.models.text import PlainTextModel


class City(PlainTextModel):
    name = models.CharField(_("name"), max_length=50, unique=True)
    province = models.CharField(_("province"), max_length=50, default="山西省")

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = None, ""

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zone(PlainTextModel):
    class Category(models.TextChoices):
        INDUSTRIAL = "industrial", _("industrial")
        AGRICULTURAL = "agricultural", _("agricultural")
        TOURISM = "tourism", _("tourism")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(City, models.PROTECT, related_name="zones", verbose_name=_("city"))
    county = models.CharField(_("county"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)

    objects = ScopedQuerySet.as_manager()
    scope_zone, scope_city = "", "city"

    class Meta:
        verbose_name = _("development zone")
        verbose_name_plural = _("development zones")
        ordering = ["city__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="zone_name_unique_in_city"),
        ]

    def __str__(self) -> str:
        return self.name
