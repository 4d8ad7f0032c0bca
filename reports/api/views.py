import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.api.permissions import IsMember
from reports.exports import Reach, monthly_export, stalls_export, weekly_export
from reports.parameters import MAX_ID, ReportDateField
from reports.selectors import RANKED_RATES, three_rates_report


class ThreeRatesQuerySerializer(serializers.Serializer):
    activity = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    # "from" is a Python keyword: declared below under its query-string name.
    to = ReportDateField(required=False)
    zone = serializers.CharField(required=False, help_text="zone code")
    city = serializers.CharField(required=False, help_text="city name")
    as_of = ReportDateField(required=False)
    by = serializers.ChoiceField(choices=["zone"], required=False, help_text="zone: per zone")
    terminated_in_denominator = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="override the city's basis"
    )
    above_scale_industry_only = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="override the city's basis"
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = ReportDateField(required=False)
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
            "terminated": serializers.IntegerField(help_text="terminated by as_of"),
            **{rate: serializers.FloatField(allow_null=True) for rate in rates},
        },
    )


_BATCHES = {
    "signed": _batch("SignedBatch", ["start_rate"]),
    "started": _batch("StartedBatch", ["statistics_rate", "production_rate"]),
    "producing": _batch("ProducingBatch", ["target_rate", "above_scale_rate", "output_rate"]),
}
_BASIS = inline_serializer(
    name="ThreeRatesBasis",
    fields={
        "terminated_in_denominator": serializers.BooleanField(),
        "above_scale_industry_only": serializers.BooleanField(),
    },
)
_TARGETS = inline_serializer(
    name="ThreeRateTargets",
    fields={rate: serializers.FloatField() for rate in RANKED_RATES},
)
_RANK = inline_serializer(
    name="ThreeRatesRank",
    fields={rate: serializers.IntegerField(allow_null=True) for rate in RANKED_RATES},
)
_ANSWER = PolymorphicProxySerializer(
    component_name="ThreeRatesAnswer",
    resource_type_field_name=None,
    serializers=[
        inline_serializer(
            name="ThreeRates",
            fields={
                "as_of": serializers.DateField(),
                "basis": _BASIS,
                **_BATCHES,
                "targets": _TARGETS,
            },
        ),
        inline_serializer(
            name="ThreeRatesByZone",
            fields={
                "as_of": serializers.DateField(),
                "basis": _BASIS,
                "zones": inline_serializer(
                    name="ThreeRatesZone",
                    many=True,
                    fields={
                        "zone": serializers.CharField(),
                        "name": serializers.CharField(),
                        **_BATCHES,
                        "rank": _RANK,
                    },
                ),
                "targets": _TARGETS,
            },
        ),
    ],
)


class ThreeRatesView(APIView):
    """The three rates (三率) of the chosen rounds as of a date, on the city's basis (口径),
    with the targets beside them; ``by=zone`` gives each zone's, ranked."""

    permission_classes = [IsMember]

    @extend_schema(parameters=[ThreeRatesQuerySerializer], responses=_ANSWER)
    def get(self, request):
        query = ThreeRatesQuerySerializer(
            data={
                **request.query_params.dict(),
                "activity": request.query_params.getlist("activity"),
            }
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        answer = three_rates_report(
            user=request.user,
            as_of=params.get("as_of") or timezone.localdate(),
            activities=params.get("activity"),
            held_from=params.get("from"),
            held_to=params.get("to"),
            zone=params.get("zone"),
            city=params.get("city"),
            by_zone=params.get("by") == "zone",
            terminated_in_denominator=params.get("terminated_in_denominator"),
            above_scale_industry_only=params.get("above_scale_industry_only"),
        )
        answer["as_of"] = answer["as_of"].isoformat()
        return Response(answer)


class WeeklyQuerySerializer(serializers.Serializer):
    zone = serializers.CharField(required=False, help_text="zone code (or city)")
    city = serializers.CharField(required=False, help_text="city name (or zone)")
    week = serializers.CharField(help_text="ISO week, e.g. 2025-W26")


class StallsQuerySerializer(serializers.Serializer):
    zone = serializers.CharField(required=False, help_text="zone code (or city)")
    city = serializers.CharField(required=False, help_text="city name (or zone)")
    as_of = ReportDateField(required=False)


class MonthlyQuerySerializer(serializers.Serializer):
    city = serializers.CharField(help_text="city name")
    month = serializers.CharField(help_text="YYYY-MM, e.g. 2025-06")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookView(APIView):
    """A workbook answered as a download; written to a spooled file, then streamed out."""

    permission_classes = [IsMember]
    query_class: type[serializers.Serializer]

    def get(self, request):
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        # FileResponse closes it once sent.
        out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        try:
            name = self.write(out, Reach.of(request.user), query.validated_data)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)

    def write(self, out, reach: Reach, params: dict) -> str:
        raise NotImplementedError


@extend_schema(parameters=[WeeklyQuerySerializer], responses={(200, XLSX): OpenApiTypes.BINARY})
class WeeklyWorkbookView(WorkbookView):
    """The weekly scheduling-meeting workbook (周调度表) of a zone or a city, as .xlsx."""

    query_class = WeeklyQuerySerializer

    def write(self, out, reach, params) -> str:
        return weekly_export(
            out,
            reach,
            zone=params.get("zone"),
            city=params.get("city"),
            week=params["week"],
            today=timezone.localdate(),
        )


@extend_schema(parameters=[StallsQuerySerializer], responses={(200, XLSX): OpenApiTypes.BINARY})
class StallsWorkbookView(WorkbookView):
    """The 三未 ledger of a zone or a city as of a date, as .xlsx."""

    query_class = StallsQuerySerializer

    def write(self, out, reach, params) -> str:
        return stalls_export(
            out,
            reach,
            zone=params.get("zone"),
            city=params.get("city"),
            as_of=params.get("as_of") or timezone.localdate(),
        )


@extend_schema(parameters=[MonthlyQuerySerializer], responses={(200, XLSX): OpenApiTypes.BINARY})
class MonthlyWorkbookView(WorkbookView):
    """The monthly bulletin (月通报) of a city, as .xlsx."""

    query_class = MonthlyQuerySerializer

    def write(self, out, reach, params) -> str:
        return monthly_export(
            out, reach, city=params["city"], month=params["month"], today=timezone.localdate()
        )
