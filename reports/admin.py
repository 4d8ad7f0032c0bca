from django.contrib import admin

from projects.admin import ScopedAdminMixin
from projects.models import City
from reports.models import RateBasis, RateTarget


class CityChoiceMixin(ScopedAdminMixin):
    """Rows of the supervisor's own city only, and only that city to choose."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            kwargs["queryset"] = City.objects.restrict(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RateBasis)
class RateBasisAdmin(CityChoiceMixin, admin.ModelAdmin):
    list_display = ["city", "terminated_in_denominator", "above_scale_industry_only"]


@admin.register(RateTarget)
class RateTargetAdmin(CityChoiceMixin, admin.ModelAdmin):
    list_display = ["city", "year", "start_rate", "production_rate", "target_rate"]
    list_filter = ["year"]
