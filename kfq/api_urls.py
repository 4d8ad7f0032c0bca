"""/api/v1/: the paths of CONTRACT.md, plus the token endpoint for zone systems."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from notifications.api.views import (
    AlertViewSet,
    InterviewListView,
    LetterDocumentView,
    LetterViewSet,
)
from projects.api.views import (
    ActivityViewSet,
    EnrollmentListView,
    MilestoneListView,
    MilestoneViewSet,
    ProblemViewSet,
    ProgressListView,
    ProjectProblemListView,
    ProjectViewSet,
    ZoneViewSet,
)
from reports.api.imports import LedgerImportDetailView, LedgerImportView, LedgerTemplateView
from reports.api.views import (
    MonthlyWorkbookView,
    StallsWorkbookView,
    ThreeRatesView,
    WeeklyWorkbookView,
)
from workflow.api.views import HistoryView, StallListView, TransitionListView, TransitionView


@extend_schema(description="Exchange a username and password for the API token (rate limited).")
class TokenView(ObtainAuthToken):
    # ObtainAuthToken names DRF's parsers itself: ours limit how deeply a JSON body nests.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


router = DefaultRouter()
router.register("zones", ZoneViewSet, basename="zone")
router.register("activities", ActivityViewSet, basename="activity")
router.register("projects", ProjectViewSet, basename="project")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("problems", ProblemViewSet, basename="problem")
router.register("alerts", AlertViewSet, basename="alert")
router.register("letters", LetterViewSet, basename="letter")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path(
        "projects/<int:pk>/transitions/", TransitionListView.as_view(), name="project-transitions"
    ),
    path(
        "projects/<int:pk>/transitions/<str:name>/",
        TransitionView.as_view(),
        name="project-transition",
    ),
    path("projects/<int:pk>/history/", HistoryView.as_view(), name="project-history"),
    path(
        "projects/<int:pk>/enrollments/",
        EnrollmentListView.as_view(),
        name="project-enrollments",
    ),
    path("projects/<int:pk>/milestones/", MilestoneListView.as_view(), name="project-milestones"),
    path("projects/<int:pk>/problems/", ProjectProblemListView.as_view(), name="project-problems"),
    path("projects/<int:pk>/progress/", ProgressListView.as_view(), name="project-progress"),
    path("stalls/", StallListView.as_view(), name="stalls"),
    path("interviews/", InterviewListView.as_view(), name="interviews"),
    path("letters/<int:pk>/document.docx", LetterDocumentView.as_view(), name="letter-document"),
    path("reports/three-rates/", ThreeRatesView.as_view(), name="three-rates"),
    path("reports/weekly.xlsx", WeeklyWorkbookView.as_view(), name="weekly-workbook"),
    path("imports/ledger-template.xlsx", LedgerTemplateView.as_view(), name="ledger-template"),
    path("imports/ledger/", LedgerImportView.as_view(), name="ledger-import"),
    path("imports/<int:pk>/", LedgerImportDetailView.as_view(), name="ledger-import-detail"),
    path("reports/stalls.xlsx", StallsWorkbookView.as_view(), name="stalls-workbook"),
    path("reports/monthly.xlsx", MonthlyWorkbookView.as_view(), name="monthly-workbook"),
    path("", include(router.urls)),
]
