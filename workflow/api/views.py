import functools

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.api.permissions import IsMember
from projects.api.serializers import ProjectSerializer
from projects.errors import Invalid
from projects.models import Project
from projects.selectors import stall_page_rows
from workflow.api.serializers import (
    StallQuerySerializer,
    StallSerializer,
    TransitionLogSerializer,
    TransitionOptionSerializer,
    TransitionRequestSerializer,
)
from workflow.models import TransitionLog
from workflow.services import project_transition, transition_options, transition_precheck

ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="`invalid`: bad date or missing note"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="`forbidden`: role may not"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="`not_found`: project or transition"),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT, description="`transition_not_allowed` or `version_conflict`"
    ),
}


@functools.cache
def _answer() -> ProjectSerializer:
    """The serializer of every transition's answer, built once per process.

    A new ProjectSerializer builds its thirty fields (a deep copy, then each field's queryset
    scoped to the request): 0.6 ms, ten times what writing the project out costs. Output needs
    neither the request nor fresh fields, and writing out changes nothing in the serializer.
    """
    return ProjectSerializer()


def _visible_project(request, pk) -> Project:
    return get_object_or_404(Project.objects.restrict(request.user), pk=pk)


class TransitionListView(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        responses=TransitionOptionSerializer(many=True),
        description="Every transition, whether the caller may take it now, and why not.",
    )
    def get(self, request, pk: int):
        options = transition_options(project=_visible_project(request, pk), user=request.user)
        return Response(TransitionOptionSerializer(options, many=True).data)


class TransitionView(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={200: ProjectSerializer, **ERROR_RESPONSES},
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=["start", "put_into_production", "reach_target", "terminate", "correct"],
            )
        ],
        examples=[
            OpenApiExample(
                "start",
                value={"effective_on": "2025-03-18", "note": "主体开工", "version": 1},
                request_only=True,
            ),
            OpenApiExample(
                "reach_target with confirmation",
                value={"effective_on": "2025-06-30", "note": "产能达产", "confirmed": True},
                request_only=True,
            ),
            OpenApiExample(
                "terminate",
                value={"effective_on": "2025-05-10", "note": "投资方资金链断裂，项目终止"},
                request_only=True,
            ),
            OpenApiExample(
                "refused",
                value={"code": "transition_not_allowed", "detail": "项目尚未开工，不能投产。"},
                response_only=True,
                status_codes=["409"],
            ),
        ],
        description="Take a transition. Errors are `{code, detail}`; see docs/api.md.",
    )
    def post(self, request, pk: int, name: str):
        body = TransitionRequestSerializer(data=request.data)
        if not body.is_valid():
            transition_precheck(project_id=pk, name=name, by=request.user)
            errors = {field: [str(m) for m in messages] for field, messages in body.errors.items()}
            raise Invalid(next(iter(errors.values()))[0], errors=errors)
        project = project_transition(project=pk, name=name, by=request.user, **body.validated_data)
        # The answer is the moved row (zone and leader came with it); only the enrollments,
        # which a transition never changes, are read, after the row lock is released.
        prefetch_related_objects([project], "enrollments")
        return Response(_answer().to_representation(project))


class HistoryView(generics.ListAPIView):
    """The transition log of a project, oldest first."""

    permission_classes = [IsMember]
    serializer_class = TransitionLogSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TransitionLog.objects.none()
        project = _visible_project(self.request, self.kwargs["pk"])
        return (
            TransitionLog.objects.filter(project=project)
            .select_related("by")
            .order_by("recorded_at", "id")
        )


class StallListView(generics.GenericAPIView):
    """The 三未 ledger as of a date (default today in Asia/Shanghai), most overdue first.

    `since` is the date the project entered the stage it is stuck in. Filtered, counted, ordered
    and paginated in SQL; the thresholds come from the stall-threshold rows in the same query.
    """

    permission_classes = [IsMember]
    serializer_class = StallSerializer
    queryset = Project.objects.none()  # for the schema: the rows come from ``stalls()``

    @extend_schema(parameters=[StallQuerySerializer], responses=StallSerializer(many=True))
    def get(self, request):
        query = StallQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        projects = Project.objects.restrict(request.user)
        if params.get("zone"):
            projects = projects.filter(zone__code=params["zone"])
        if params.get("city"):
            projects = projects.filter(zone__city__name=params["city"])
        rows = stall_page_rows(
            projects, as_of=params.get("as_of") or timezone.localdate(), kind=params.get("kind")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
