from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.api.fields import QueryDateField
from projects.models import Stage
from projects.selectors import STALL_KIND_NAMES
from workflow.models import TransitionLog


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.ChoiceField(choices=Stage.choices, allow_null=True)
    allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class TransitionRequestSerializer(serializers.Serializer):
    effective_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The business date it happened: not in the future, not before the stage began."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The version you saw; stale gives 409.")
    )
    confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "reach_target only: the project reached its target output though the figures are short."
        ),
    )


class TransitionLogSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TransitionLog
        fields = ["transition", "source", "target", "effective_on", "recorded_at", "by", "note"]


class StallSerializer(serializers.Serializer):
    """A row of ``projects.selectors.stalls``: a project annotated with its stall."""

    project = serializers.IntegerField(source="pk")
    project_name = serializers.CharField(source="name")
    zone = serializers.CharField(source="zone.code")
    stage = serializers.CharField()
    leader = serializers.CharField(source="leader.username", allow_null=True, default=None)
    kind = serializers.ChoiceField(source="stall_kind", choices=STALL_KIND_NAMES)
    days_over = serializers.IntegerField()
    since = serializers.DateField()


class StallQuerySerializer(serializers.Serializer):
    as_of = QueryDateField(required=False)
    zone = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=STALL_KIND_NAMES, required=False)
