import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.api.permissions import IsMember
from projects.models import Activity, Project, Zone
from reports.exports import weekly_export
from reports.selectors import chosen_projects, chosen_rounds, three_rates


class ThreeRatesQuerySerializer(serializers.Serializer):
    activity = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    # "from" is a Python keyword: declared below under its query-string name.
    to = serializers.DateField(required=False)
    zone = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    as_of = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": [_("“to” cannot be before “from”.")]})
        return attrs


def _batch(name: str, rates: list[str]):
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "total_investment": serializers.DecimalField(max_digits=16, decimal_places=2),
            **{rate: serializers.FloatField(allow_null=True) for rate in rates},
        },
    )


class ThreeRatesView(APIView):
    """The three rates (三率) of the chosen rounds, as of a date, with the targets beside them."""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[ThreeRatesQuerySerializer],
        responses=inline_serializer(
            name="ThreeRates",
            fields={
                "as_of": serializers.DateField(),
                "signed": _batch("SignedBatch", ["start_rate"]),
                "started": _batch("StartedBatch", ["statistics_rate", "production_rate"]),
                "producing": _batch("ProducingBatch", ["target_rate", "above_scale_rate"]),
                "targets": inline_serializer(
                    name="ThreeRateTargets",
                    fields={
                        "start_rate": serializers.FloatField(),
                        "production_rate": serializers.FloatField(),
                        "target_rate": serializers.FloatField(),
                    },
                ),
            },
        ),
    )
    def get(self, request):
        query = ThreeRatesQuerySerializer(
            data={
                **request.query_params.dict(),
                "activity": request.query_params.getlist("activity"),
            }
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        result = three_rates(
            projects=chosen_projects(
                Project.objects.restrict(request.user),
                zone=params.get("zone"),
                city=params.get("city"),
            ),
            rounds=chosen_rounds(
                Activity.objects.restrict(request.user),
                activities=params.get("activity"),
                held_from=params.get("from"),
                held_to=params.get("to"),
            ),
            as_of=params.get("as_of") or timezone.localdate(),
        )
        result["as_of"] = result["as_of"].isoformat()
        return Response(result)


class WeeklyQuerySerializer(serializers.Serializer):
    zone = serializers.CharField(required=False, help_text="zone code (or city)")
    city = serializers.CharField(required=False, help_text="city name (or zone)")
    week = serializers.CharField(help_text="ISO week, e.g. 2025-W26")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WeeklyWorkbookView(APIView):
    """The weekly scheduling-meeting workbook (周调度表) of a zone or a city, as .xlsx."""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[WeeklyQuerySerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request):
        query = WeeklyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # FileResponse closes it once sent.
        out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        name = weekly_export(
            out,
            projects=Project.objects.restrict(request.user),
            zones=Zone.objects.restrict(request.user),
            zone=query.validated_data.get("zone"),
            city=query.validated_data.get("city"),
            week=query.validated_data["week"],
            today=timezone.localdate(),
        )
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)
