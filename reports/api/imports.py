"""The ledger import over the API: the template, an upload, and the import's status."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.api.permissions import IsMember
from projects.models import Zone
from reports.ledger_import import MAX_BYTES
from reports.ledger_template import ledger_template
from reports.models import LedgerImport
from reports.services import ledger_import_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerIssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Excel row number; null: the file")
    column = serializers.CharField(allow_null=True, help_text="the column's header")
    message = serializers.CharField()


class LedgerImportSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    errors = LedgerIssueSerializer(many=True, read_only=True)
    warnings = LedgerIssueSerializer(many=True, read_only=True)

    class Meta:
        model = LedgerImport
        fields = [
            "id",
            "zone",
            "file_name",
            "dry_run",
            "status",
            "progress",
            "rows",
            "created",
            "updated",
            "unchanged",
            "errors",
            "warnings",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class LedgerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the .xlsx ledger, at most 10 MB and 20,000 rows")
    zone = serializers.CharField(max_length=40, help_text="zone code")
    dry_run = serializers.BooleanField(default=False, help_text="check every row, write nothing")


class LedgerTemplateView(APIView):
    """The ledger template (项目台账) with drop-down lists of the caller's zones, chains, tiers,
    categories and stages."""

    permission_classes = [IsMember]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
        ledger_template(out, zones=Zone.objects.restrict(request.user))
        out.seek(0)
        return FileResponse(
            out, as_attachment=True, filename="项目台账导入模板.xlsx", content_type=XLSX
        )


class LedgerImportView(APIView):
    """Import a zone's ledger: all rows or none. A small file answers finished (201); a large
    one answers ``validating`` (202) and a worker goes on: poll ``/imports/{id}/``."""

    permission_classes = [IsMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LedgerUploadSerializer},
        responses={201: LedgerImportSerializer, 202: LedgerImportSerializer},
    )
    def post(self, request):
        upload = LedgerUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        record = ledger_import_start(
            user=request.user,
            zone_code=upload.validated_data["zone"],
            file_name=file.name or "",
            data=file.read() if file.size <= MAX_BYTES else None,
            size=file.size,
            dry_run=upload.validated_data["dry_run"],
        )
        answer = status.HTTP_201_CREATED if record.is_finished else status.HTTP_202_ACCEPTED
        return Response(LedgerImportSerializer(record).data, status=answer)


class LedgerImportDetailView(RetrieveAPIView):
    """An import's status and progress (0–1), its counts, and every bad row and column."""

    permission_classes = [IsMember]
    serializer_class = LedgerImportSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return LedgerImport.objects.restrict(self.request.user).select_related("zone")
