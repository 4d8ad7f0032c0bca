"""Viewsets stay a few lines: a scoped queryset, a serializer, a filterset, a permission; every
write is a service call (``projects.services``)."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from projects import services
from projects.api.permissions import EditsProjects, ManagesReferenceData
from projects.api.serializers import (
    ActivitySerializer,
    EnrollmentSerializer,
    MilestoneSerializer,
    ProblemResolveSerializer,
    ProblemSerializer,
    ProgressReportSerializer,
    ProjectSerializer,
    ZoneSerializer,
    project_list_shapes,
    project_list_values,
)
from projects.filtersets import ProblemFilterSet, ProjectFilterSet
from projects.models import Activity, Enrollment, Milestone, Problem, ProgressReport, Project, Zone


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

    def perform_create(self, serializer):
        serializer.instance = services.zone_create(
            by=self.request.user, **serializer.validated_data
        )


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

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(
            by=self.request.user, **serializer.validated_data
        )


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
            .prefetch_related("enrollments")
            .order_by("-signed_on", "-id")
        )

    def list(self, request, *args, **kwargs):
        """The page read as values and shaped as the serializer would (``project_list_shapes``)."""
        projects = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(project_list_values(projects))
        return self.get_paginated_response(project_list_shapes(page))

    def perform_create(self, serializer):
        serializer.instance = services.project_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.project_update(
            project=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ProjectOwnedListView(generics.ListCreateAPIView):
    """What one project owns (its enrollments, milestones, problems, monthly progress): the
    project is looked up through the scope rule first, so a foreign project is 404 even when it
    owns nothing."""

    permission_classes = [EditsProjects]
    model = None
    # The service writing one, called as create_service(project=…, by=…, **validated_data).
    create_service = None

    @cached_property
    def project(self) -> Project:
        scoped = Project.objects.restrict(self.request.user).select_related("zone")
        return get_object_or_404(scoped, pk=self.kwargs["pk"])

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # After the role check, before the body is read: a foreign project is 404 whatever
        # the body holds.
        self.project  # noqa: B018

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a project
            return self.model.objects.none()
        return self.model.objects.restrict(self.request.user).filter(project=self.project)

    def perform_create(self, serializer):
        serializer.instance = self.create_service(
            project=self.project, by=self.request.user, **serializer.validated_data
        )


_PROJECT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The project's id.")


@extend_schema_view(
    get=extend_schema(
        parameters=[_PROJECT_ID], description="The project's enrollments in the rounds."
    ),
    post=extend_schema(
        parameters=[_PROJECT_ID],
        description=(
            "Enrol the project in a round as one of the three batches; one per batch. The "
            "started batch needs a project that has started, the producing batch one in "
            "production."
        ),
    ),
)
class EnrollmentListView(ProjectOwnedListView):
    serializer_class = EnrollmentSerializer
    model = Enrollment
    create_service = staticmethod(services.enrollment_create)

    def get_queryset(self):
        return super().get_queryset().order_by("id")


@extend_schema_view(
    get=extend_schema(
        parameters=[_PROJECT_ID], description="The project's annual task list (年度任务清单)."
    ),
    post=extend_schema(
        parameters=[_PROJECT_ID],
        description="A milestone of the task list; its name is unique within the project.",
    ),
)
class MilestoneListView(ProjectOwnedListView):
    serializer_class = MilestoneSerializer
    model = Milestone
    create_service = staticmethod(services.milestone_create)

    def get_queryset(self):
        return super().get_queryset().order_by("planned_on", "id")


@extend_schema_view(
    get=extend_schema(parameters=[_PROJECT_ID], description="The project's problem ledger."),
    post=extend_schema(
        parameters=[_PROJECT_ID],
        description="Log a problem; it is open until resolved (POST /problems/{id}/resolve/).",
    ),
)
class ProjectProblemListView(ProjectOwnedListView):
    serializer_class = ProblemSerializer
    model = Problem
    create_service = staticmethod(services.problem_create)

    def get_queryset(self):
        return super().get_queryset().order_by("deadline", "id")


@extend_schema_view(
    get=extend_schema(parameters=[_PROJECT_ID], description="The project's monthly progress."),
    post=extend_schema(
        parameters=[_PROJECT_ID],
        description="The progress of one month (YYYY-MM), not a future one; one per month.",
    ),
)
class ProgressListView(ProjectOwnedListView):
    serializer_class = ProgressReportSerializer
    model = ProgressReport
    create_service = staticmethod(services.progress_create)

    def get_queryset(self):
        return super().get_queryset().order_by("-month")


class MilestoneViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """One milestone of a project in the caller's scope: read it, or change it (PATCH)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = MilestoneSerializer
    permission_classes = [EditsProjects]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Milestone.objects.restrict(self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.milestone_update(
            milestone=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ProblemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Every problem in the caller's scope; edit one (PATCH) or resolve it (销号)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ProblemSerializer
    permission_classes = [EditsProjects]
    filterset_class = ProblemFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Problem.objects.restrict(self.request.user).order_by("deadline", "id")

    def perform_update(self, serializer):
        serializer.instance = services.problem_update(
            problem=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=ProblemResolveSerializer,
        responses={200: ProblemSerializer},
        description="销号: the problem is resolved on `resolved_on` (not in the future), as "
        "`resolution` says. A resolved problem cannot be resolved again.",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        problem = self.get_object()
        serializer = ProblemResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        problem = services.problem_resolve(
            problem=problem, by=request.user, **serializer.validated_data
        )
        return Response(ProblemSerializer(problem).data, status=status.HTTP_200_OK)
