from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from projects.api.permissions import EditsProjects, ManagesReferenceData
from projects.api.serializers import (
    ActivitySerializer,
    EnrollmentSerializer,
    ProjectSerializer,
    ZoneSerializer,
)
from projects.filtersets import ProjectFilterSet
from projects.models import Activity, Project, Zone


class ZoneViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Development zones of the caller's zone or city; supervisors add zones to their city."""

    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    serializer_class = ZoneSerializer
    permission_classes = [ManagesReferenceData]
    lookup_field = "code"
    filterset_fields = ["category", "level"]

    def get_queryset(self):
        return Zone.objects.restrict(self.request.user).select_related("city").order_by("code")


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The "三个一批" rounds of the caller's city."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ActivitySerializer
    permission_classes = [ManagesReferenceData]

    def get_queryset(self):
        return Activity.objects.restrict(self.request.user).select_related("city")


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects in the caller's scope. The stage changes only through a transition."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ProjectSerializer
    permission_classes = [EditsProjects]
    filterset_class = ProjectFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Project.objects.restrict(self.request.user)
            .select_related("zone", "leader")
            .order_by("-signed_on", "-id")
        )

    @extend_schema(
        request=EnrollmentSerializer,
        responses={201: EnrollmentSerializer},
        description="Enrol the project in a round as one of the three batches; one per batch.",
    )
    @action(detail=True, methods=["post"], permission_classes=[EditsProjects])
    def enrollments(self, request, pk=None):
        project = self.get_object()
        serializer = EnrollmentSerializer(
            data=request.data, context={**self.get_serializer_context(), "project": project}
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)
