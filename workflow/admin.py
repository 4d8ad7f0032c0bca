from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from projects.admin import ProjectAdmin, ScopedAdminMixin
from projects.errors import Refusal
from projects.models import Project, StallThreshold
from workflow.forms import TransitionForm
from workflow.models import CityRules, EscalationLevel, TransitionLog
from workflow.services import TRANSITIONS, TransitionSpec, project_transition


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "project",
        "transition",
        "source",
        "target",
        "effective_on",
        "recorded_at",
        "by",
    ]
    list_filter = ["transition", "target", "project__zone"]
    search_fields = ["project__name", "note"]
    date_hierarchy = "recorded_at"
    list_select_related = ["project", "by"]


class TransitionLogInline(ScopedAdminMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = TransitionLog
    extra = 0
    fields = ["transition", "source", "target", "effective_on", "recorded_at", "by", "note"]
    readonly_fields = fields
    ordering = ["recorded_at", "id"]


def transition_action(spec: TransitionSpec):
    """An admin action asking for the date and note, then calling the one transition service."""

    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = TransitionForm(request.POST)
            if form.is_valid():
                _take(request, queryset, spec, form.cleaned_data)
                return None
        else:
            form = TransitionForm()
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": spec.label,
            "spec": spec,
            "form": form,
            "projects": queryset,
            "action_name": f"transition_{spec.name}",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "workflow/admin/transition.html", context)

    action.__name__ = f"transition_{spec.name}"
    action.short_description = spec.label
    action.allowed_permissions = ("change",)
    return action


def _take(request, queryset, spec: TransitionSpec, data: dict) -> None:
    done = 0
    for project in queryset.order_by("pk"):
        try:
            project_transition(
                project=project,
                name=spec.name,
                by=request.user,
                effective_on=data["effective_on"],
                note=data["note"],
                confirmed=data["confirmed"],
            )
        except Refusal as refusal:
            messages.error(request, f"{project}: {refusal.detail}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d project moved.", "%(count)d projects moved.", done)
            % {"count": done},
        )


admin.site.unregister(Project)


@admin.register(Project)
class ProjectWorkflowAdmin(ProjectAdmin):
    inlines = [*ProjectAdmin.inlines, TransitionLogInline]
    actions = [transition_action(spec) for spec in TRANSITIONS.values()]


@admin.register(StallThreshold)
class StallThresholdAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The 三未 thresholds; the stalls endpoint, the project filter, the workbooks and the scan
    read these rows in their SQL, so an edit applies everywhere at once."""

    list_display = ["stage", "zone_category", "tier", "days"]
    list_filter = ["stage", "zone_category", "tier"]
    list_editable = ["days"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A stage's default row stays: without it only the planned dates would stall a project.
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(EscalationLevel)
class EscalationLevelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The four levels of the ladder: when each starts and who hears of it."""

    list_display = [
        "level",
        "starts_at_days",
        "to_officer",
        "to_leader",
        "to_zone_leaders",
        "to_supervisors",
    ]
    list_editable = ["starts_at_days"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CityRules)
class CityRulesAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["city", "milestone_reminder_days", "ack_stops_climb"]
