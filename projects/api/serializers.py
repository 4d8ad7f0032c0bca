"""The API's shapes: they parse and check the form of the input; every rule and every write is
the services' (``projects.services``), which the views call with ``validated_data``."""

import copy
import functools

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.api.fields import DateField, DecimalField, MonthField, SlugRelatedField
from projects.models import (
    TRANSITION_FIELDS,
    Activity,
    City,
    Enrollment,
    Membership,
    Milestone,
    MoneyField,
    PlausibleDateField,
    Problem,
    ProgressReport,
    Project,
    Zone,
)
from projects.services import ONLY_BY_RESOLVING, ONLY_BY_TRANSITION


class ModelSerializer(serializers.ModelSerializer):
    """Our dates and sums read full-width digits as ASCII, as the admin's forms do; fields in
    ``refused`` are shown but naming one in a write is a 400, not silently ignored."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        PlausibleDateField: DateField,
        MoneyField: DecimalField,
    }
    refused: tuple[tuple[str, ...], object] = ((), "")

    def get_fields(self) -> dict:
        """The fields built from the model once per class, then copied for each instance.

        DRF builds them from the model anew for every serializer (a few milliseconds for a
        project, more than the rest of a transition's answer); they depend on nothing but the
        class, and a copy is what DRF itself makes of declared fields.
        """
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)

    def to_internal_value(self, data):
        names, message = self.refused
        if hasattr(data, "keys"):
            named = [field for field in names if field in data]
            if named:
                raise serializers.ValidationError({field: [message] for field in named})
        return super().to_internal_value(data)


class CityScopedSerializer(ModelSerializer):
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


class EnrollmentSerializer(ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.none())

    class Meta:
        model = Enrollment
        fields = ["id", "project", "activity", "kind", "created_at"]
        read_only_fields = ["id", "project", "created_at"]
        # The one-per-batch rule is the service's, with its own sentence.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["activity"].queryset = Activity.objects.restrict(request.user)


class ProjectEnrollmentSerializer(ModelSerializer):
    """An enrollment as the project shows it."""

    class Meta:
        model = Enrollment
        fields = ["id", "activity", "kind"]
        read_only_fields = fields


class ProjectSerializer(ModelSerializer):
    zone = SlugRelatedField(slug_field="code", queryset=Zone.objects.none())
    leader = SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    enrollments = ProjectEnrollmentSerializer(many=True, read_only=True)
    refused = (tuple(TRANSITION_FIELDS), ONLY_BY_TRANSITION)

    class Meta:
        model = Project
        fields = [
            "id",
            "enrollments",
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


# The project list reads its page as values, not as models through ``ProjectSerializer``:
# building 50 projects with their zone and leader, a queryset per project for its enrollments,
# then asking every field for its attribute cost more than the page's SQL. The values are
# shaped by ``ProjectSerializer``'s own fields, so the JSON is the one the serializer makes
# (the schema still describes it by the serializer).

# Related fields shown by a column of the related row, read as that column.
_RELATED_VALUES = {"zone": "zone__code", "leader": "leader__username", "activity": "activity_id"}


def _plan(serializer: serializers.Serializer) -> tuple[tuple[str, str, object], ...]:
    """(key, column of ``values()``, field that formats it, or None to copy it) per field."""
    return tuple(
        (name, _RELATED_VALUES[name], None) if name in _RELATED_VALUES else (name, name, field)
        for name, field in serializer.fields.items()
    )


def _shape(row: dict, plan) -> dict:
    """A row as DRF's ``Serializer.to_representation`` makes it: None stays None."""
    shaped = {}
    for name, column, field in plan:
        value = row[column]
        shaped[name] = value if value is None or field is None else field.to_representation(value)
    return shaped


@functools.cache
def _project_plans():
    enrollment = _plan(ProjectEnrollmentSerializer())
    # The enrollments are shaped apart, then copied into their project.
    project = tuple(
        (name, column, None if name == "enrollments" else field)
        for name, column, field in _plan(ProjectSerializer())
    )
    columns = [column for name, column, _field in project if name != "enrollments"]
    return project, enrollment, columns


def project_list_values(projects: QuerySet) -> QuerySet:
    """``projects`` (filtered, ordered) as the values ``project_list_shapes`` shapes."""
    _project, _enrollment, columns = _project_plans()
    return projects.select_related(None).prefetch_related(None).values(*columns)


def project_list_shapes(rows: list[dict]) -> list[dict]:
    """A page of ``project_list_values`` as ``ProjectSerializer(many=True).data`` has it."""
    project, enrollment, _columns = _project_plans()
    enrollments = {row["id"]: [] for row in rows}
    for row in (
        Enrollment.objects.filter(project_id__in=enrollments)
        .order_by("id")
        .values("project_id", *(column for _name, column, _field in enrollment))
    ):
        enrollments[row["project_id"]].append(_shape(row, enrollment))
    for row in rows:
        row["enrollments"] = enrollments[row["id"]]
    return [_shape(row, project) for row in rows]


class MilestoneSerializer(ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "planned_on", "done_on", "note"]
        read_only_fields = ["id", "project"]
        validators = []


class ProblemSerializer(ModelSerializer):
    refused = (("status", "resolved_on", "resolution"), ONLY_BY_RESOLVING)

    class Meta:
        model = Problem
        fields = [
            "id",
            "project",
            "category",
            "coordination_level",
            "description",
            "owner",
            "raised_on",
            "deadline",
            "status",
            "resolved_on",
            "resolution",
        ]
        read_only_fields = ["id", "project", "status", "resolved_on", "resolution"]


class ProblemResolveSerializer(serializers.Serializer):
    """销号: the date the problem was resolved and how."""

    resolved_on = DateField(validators=[PlausibleDateField.default_validators[0]])
    resolution = serializers.CharField(
        max_length=2000, help_text=_("How the problem was resolved.")
    )


class ProgressReportSerializer(ModelSerializer):
    month = MonthField(help_text=_("The month reported on, as YYYY-MM."))

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "month", "investment_completed", "image_progress", "created_at"]
        read_only_fields = ["id", "project", "created_at"]
        validators = []
