from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.api.fields import SlugRelatedField
from projects.models import (
    TRANSITION_FIELDS,
    Activity,
    City,
    Enrollment,
    Membership,
    Project,
    Zone,
)


class FullCleanMixin:
    """Run the model's own rules (``full_clean``), so the API refuses what the admin refuses."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or self.Meta.model()
        original = {name: getattr(instance, name, None) for name in attrs} if self.instance else {}
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        finally:
            for name, value in original.items():
                setattr(instance, name, value)
        return attrs


class CityScopedSerializer(FullCleanMixin, serializers.ModelSerializer):
    """Reference data of a city, named by the city's name; only the caller's own city fits."""

    city = SlugRelatedField(slug_field="name", queryset=City.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["city"].queryset = City.objects.restrict(request.user)


class ZoneSerializer(CityScopedSerializer):
    class Meta:
        model = Zone
        fields = ["code", "name", "city", "county", "category", "level"]


class ActivitySerializer(CityScopedSerializer):
    class Meta:
        model = Activity
        fields = ["id", "name", "city", "held_on"]


class ProjectSerializer(FullCleanMixin, serializers.ModelSerializer):
    zone = SlugRelatedField(slug_field="code", queryset=Zone.objects.none())
    leader = SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "investor",
            "zone",
            "industry_chain",
            "tier",
            "category",
            "total_investment",
            "funds_in_place",
            "land_area",
            "is_standard_land",
            "is_commitment_based",
            "is_fully_agented",
            "stage",
            "signed_on",
            "started_on",
            "producing_on",
            "at_target_on",
            "terminated_on",
            "termination_reason",
            "planned_start_on",
            "planned_production_on",
            "planned_target_on",
            "in_statistics_on",
            "above_scale_on",
            "target_annual_output",
            "actual_annual_output",
            "leader",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", *TRANSITION_FIELDS, "updated_at"]
        extra_kwargs = {"funds_in_place": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["zone"].queryset = Zone.objects.restrict(request.user)
            # Leaders are looked up among the caller's own people only: a username of another
            # city answers exactly as one that does not exist.
            self.fields["leader"].queryset = self.fields["leader"].queryset.filter(
                membership__in=Membership.objects.restrict(request.user)
            )

    def update(self, instance: Project, validated_data: dict) -> Project:
        """Write only the fields this request names, so two officers editing different
        fields at once both keep their change (the stage compare-and-set still applies)."""
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=[*validated_data, "updated_at"])
        return instance

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            # Only a transition changes these: naming one in a write is refused, not ignored.
            named = [field for field in TRANSITION_FIELDS if field in data]
            if named:
                message = _("This changes only through a stage transition.")
                raise serializers.ValidationError({field: [message] for field in named})
        return super().to_internal_value(data)


class EnrollmentSerializer(FullCleanMixin, serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none())

    class Meta:
        model = Enrollment
        fields = ["id", "project", "activity", "kind", "created_at"]
        read_only_fields = ["id", "project", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["activity"].queryset = Activity.objects.restrict(request.user)

    def validate(self, attrs):
        project = self.context["project"]
        attrs["project"] = project
        if project.enrollments.filter(kind=attrs["kind"]).exists():
            raise serializers.ValidationError(
                {"kind": [_("The project is already enrolled in this batch.")]}
            )
        return super().validate(attrs)
