from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from projects.models import (
    TRANSITION_FIELDS,
    Activity,
    City,
    Enrollment,
    Membership,
    Milestone,
    Problem,
    ProgressReport,
    Project,
    Zone,
)


class ScopedAdminMixin:
    """Staff who are not superusers see in the admin only what they see elsewhere."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)


@admin.register(City)
class CityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "province"]
    search_fields = ["name"]


@admin.register(Zone)
class ZoneAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "city", "county", "category", "level"]
    list_filter = ["city", "category", "level"]
    search_fields = ["code", "name", "county"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "city", "held_on"]
    list_filter = ["city"]
    search_fields = ["name"]
    date_hierarchy = "held_on"


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["activity"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProblemInline(admin.StackedInline):
    model = Problem
    extra = 0


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "investor",
        "zone",
        "industry_chain",
        "total_investment",
        "stage",
        "signed_on",
        "started_on",
        "producing_on",
        "at_target_on",
    ]
    list_filter = ["stage", "zone__city", "zone", "enrollments__activity", "tier", "category"]
    search_fields = ["name", "investor", "industry_chain"]
    date_hierarchy = "signed_on"
    list_select_related = ["zone"]
    autocomplete_fields = ["zone", "leader", "officer"]
    readonly_fields = [*TRANSITION_FIELDS, "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "investor", "zone", "industry_chain", "tier", "category"]},
        ),
        (
            _("Investment"),
            {
                "fields": [
                    "total_investment",
                    "funds_in_place",
                    "land_area",
                    "is_standard_land",
                    "is_commitment_based",
                    "is_fully_agented",
                ]
            },
        ),
        (
            _("Stage"),
            {
                "fields": [
                    "stage",
                    "signed_on",
                    "started_on",
                    "producing_on",
                    "at_target_on",
                    "terminated_on",
                    "termination_reason",
                    "version",
                ]
            },
        ),
        (
            _("Plan and statistics"),
            {
                "fields": [
                    "planned_start_on",
                    "planned_production_on",
                    "planned_target_on",
                    "in_statistics_on",
                    "above_scale_on",
                    "target_annual_output",
                    "actual_annual_output",
                ]
            },
        ),
        (_("People"), {"fields": ["leader", "officer"]}),
    ]
    inlines = [EnrollmentInline, MilestoneInline, ProblemInline, ProgressReportInline]


class ProjectChildAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows that belong to a project: scoped through the project, searchable by its name."""

    autocomplete_fields = ["project"]
    list_select_related = ["project"]


@admin.register(Enrollment)
class EnrollmentAdmin(ProjectChildAdmin):
    list_display = ["project", "activity", "kind"]
    list_filter = ["activity", "kind", "project__zone"]
    search_fields = ["project__name"]
    autocomplete_fields = ["project", "activity"]


@admin.register(Problem)
class ProblemAdmin(ProjectChildAdmin):
    list_display = ["project", "category", "coordination_level", "owner", "deadline", "status"]
    list_filter = ["status", "category", "coordination_level", "project__zone"]
    search_fields = ["project__name", "description", "owner"]


@admin.register(Milestone)
class MilestoneAdmin(ProjectChildAdmin):
    list_display = ["project", "name", "planned_on", "done_on"]
    list_filter = ["name", "project__zone"]
    search_fields = ["project__name", "name"]
    date_hierarchy = "planned_on"


@admin.register(ProgressReport)
class ProgressReportAdmin(ProjectChildAdmin):
    list_display = ["project", "month", "investment_completed", "image_progress"]
    list_filter = ["month", "project__zone"]
    search_fields = ["project__name", "image_progress"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "zone", "city"]
    list_filter = ["role", "zone", "city"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user", "zone", "city"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["zone", "city"]


admin.site.unregister(User)


@admin.register(User)
class MemberAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "membership__role", "is_staff"]
    list_filter = ["membership__role", "membership__zone", "membership__city", "is_staff"]


admin.site.site_header = _("Development zone “three batches” project tracker")
admin.site.site_title = _("Project tracker")
admin.site.index_title = _("Administration")
