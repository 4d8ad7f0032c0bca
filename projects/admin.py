"""The admin, inside the one scope rule: every list, filter, picker and posted id.

A non-superuser sees in the admin what they see elsewhere (``restrict(user)``), may pick in a
form only what they may see, and a posted id outside that is refused by the form ("select a
valid choice") exactly like an unknown one. ``ScopedAdminMixin`` does it once for every
ModelAdmin and inline of the product; people (users) are scoped through their membership.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.access import may_edit_projects
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


def restrict(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see, name and pick.

    Scoped models answer through their own ``restrict(user)``; a user is in scope when their
    membership is (``Membership.objects.restrict``: the people a user may name on a project);
    rows of other models (groups, permissions, schedules) are the superusers' alone to edit and
    pass unchanged.
    """
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user)
    if issubclass(queryset.model, User) and not user.is_superuser:
        return queryset.filter(membership__in=Membership.objects.restrict(user))
    return queryset


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter on a relation offering only the related rows the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = restrict(field.related_model._default_manager.all(), request.user)
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to={"pk__in": visible.values("pk")},
        )


class ScopedAdminMixin:
    """The scope rule for a ModelAdmin or an inline: its rows, its choices, its list filters.

    Foreign-key and many-to-many choices (select, autocomplete and the validation of a posted
    id alike) come from ``get_field_queryset``, so narrowing it there refuses a foreign id in
    every add form, change form and inline.
    """

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return restrict(queryset, request.user)

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        if get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, ScopedRelatedFieldListFilter)
        return entry


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


class EnrollmentInline(ScopedAdminMixin, admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["activity"]


class MilestoneInline(ScopedAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0


class ProblemInline(ScopedAdminMixin, admin.StackedInline):
    model = Problem
    extra = 0


class ProgressReportInline(ScopedAdminMixin, admin.TabularInline):
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
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "zone", "city"]
    list_filter = ["role", "zone", "city"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user", "zone", "city"]


class MembershipInline(ScopedAdminMixin, admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["zone", "city"]


admin.site.unregister(User)


@admin.register(User)
class MemberAdmin(ScopedAdminMixin, UserAdmin):
    """People: superusers manage them; everyone who edits projects looks up the people in scope.

    The leader and officer pickers of a project are autocompletes on this admin, which Django
    serves only to a user with view permission here: those who may edit projects get it, for
    the people ``Membership.objects.restrict`` lets them name, and see no more of them than
    their names and address.
    """

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "membership__role", "is_staff"]
    list_filter = ["membership__role", "membership__zone", "membership__city", "is_staff"]
    list_select_related = ["membership"]
    looking_up_fieldsets = [(None, {"fields": ["username", "first_name", "last_name", "email"]})]

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or may_edit_projects(request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.looking_up_fieldsets
        return super().get_fieldsets(request, obj)


admin.site.site_header = _("Development zone “three batches” project tracker")
admin.site.site_title = _("Project tracker")
admin.site.index_title = _("Administration")
