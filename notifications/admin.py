from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import (
    Alert,
    Channel,
    Delivery,
    Interview,
    Letter,
    LetterSettings,
    Preference,
)
from projects.admin import ScopedAdminMixin


def masked(value: str) -> str:
    """Enough of a URL or secret to recognise it, never enough to use it."""
    if not value:
        return ""
    if len(value) <= 12:
        return "•" * 8
    return f"{value[:8]}…{value[-4:]}" if "://" not in value else f"{value[:30]}…{value[-4:]}"


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


class ChannelForm(forms.ModelForm):
    """The webhook URL and secret are written, never shown back: blank keeps the stored one."""

    url = forms.CharField(
        label=_("webhook URL"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    secret = forms.CharField(
        label=_("signing secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "zone", "city", "url", "secret", "min_level", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for field in ("url", "secret"):
                stored = getattr(self.instance, field)
                if stored:
                    self.fields[field].help_text = _(
                        "Stored: %(value)s. Leave blank to keep it."
                    ) % {"value": masked(stored)}

    def clean_url(self):
        value = self.cleaned_data["url"].strip()
        if not value and self.instance.pk:
            return self.instance.url
        if not value:
            raise forms.ValidationError(_("Give the robot's webhook URL."))
        forms.URLField().clean(value)
        return value

    def clean_secret(self):
        value = self.cleaned_data["secret"].strip()
        return value or (self.instance.secret if self.instance.pk else "")


@admin.register(Channel)
class ChannelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ChannelForm
    list_display = ["name", "kind", "zone", "city", "masked_url", "enabled", "last_error_at"]
    list_filter = ["kind", "enabled"]
    readonly_fields = ["last_error", "last_error_at"]

    @admin.display(description=_("webhook URL"))
    def masked_url(self, obj: Channel) -> str:
        return masked(obj.url)


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why."""

    list_display = [
        "alert",
        "kind",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(alert__in=Alert.objects.restrict(request.user))
            .select_related("alert__project", "channel")
        )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "email", "daily_digest", "quiet_from", "quiet_until"]


@admin.register(LetterSettings)
class LetterSettingsAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["city", "number_prefix", "reply_days", "template"]


@admin.register(Letter)
class LetterAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "project", "zone", "issued_on", "reply_due_on", "replied_on"]
    list_filter = ["zone", "issued_on"]
    readonly_fields = [f.name for f in Letter._meta.fields if f.name not in ("replied_on", "reply")]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Interview)
class InterviewAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "zone", "rule", "since", "days_over", "listed_on", "closed_on"]
    list_filter = ["zone", "closed_on"]
    readonly_fields = [f.name for f in Interview._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
