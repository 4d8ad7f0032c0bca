from django.contrib import admin

from notifications.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def has_add_permission(self, request) -> bool:
        return False
