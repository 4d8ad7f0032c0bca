from django.contrib import admin

from notifications.models import Alert
from projects.admin import ScopedAdminMixin


@admin.register(Alert)
class AlertAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "project",
        "rule",
        "level",
        "recipient",
        "due_period",
        "created_at",
        "acknowledged_at",
    ]
    list_filter = ["rule", "level", "project__zone"]
    search_fields = ["project__name", "recipient__username", "message"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
