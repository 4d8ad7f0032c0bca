import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Enrollment, Problem, Project, Stage, Zone
from projects.selectors import not_stalled_q, problem_overdue_q, stalled_q, with_stall

# The largest id a 64-bit key holds; a larger number in a filter is a bad number, not a crash.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row's id, compared as a plain number and never looked up among all rows: a foreign id
    and an unknown one narrow the caller's scoped list alike, to nothing (no existence oracle).
    A whole number from 1 to a 64-bit key's largest; anything else is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=`` ending on the id: rows that tie (two projects of one amount) keep one order
    from page to page instead of showing up twice or never."""

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        fields = [field.lstrip("-") for field in ordered.query.order_by]
        if value and "id" not in fields and "pk" not in fields:
            ordered = ordered.order_by(*ordered.query.order_by, "id")
        return ordered


class ProjectFilterSet(django_filters.FilterSet):
    zone = django_filters.CharFilter(field_name="zone__code", label=_("zone code"))
    city = django_filters.CharFilter(field_name="zone__city__name", label=_("city"))
    # A column of the project itself: no join to repeat a row, so no DISTINCT (django-filter's
    # default for a multiple choice), which would sort and count every column of the scope.
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False)
    activity = IdFilter(field_name="enrollments__activity", label=_("activity"), distinct=True)
    kind = django_filters.ChoiceFilter(
        field_name="enrollments__kind", choices=Enrollment.Kind.choices, label=_("batch")
    )
    industry_chain = django_filters.CharFilter()
    tier = django_filters.ChoiceFilter(choices=Project.Tier.choices)
    category = django_filters.ChoiceFilter(choices=Project.Category.choices)
    zone_category = django_filters.ChoiceFilter(
        field_name="zone__category", choices=Zone.Category.choices, label=_("zone category")
    )
    investment_min = django_filters.NumberFilter(field_name="total_investment", lookup_expr="gte")
    investment_max = django_filters.NumberFilter(field_name="total_investment", lookup_expr="lte")
    signed_from = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    started_from = django_filters.DateFilter(field_name="started_on", lookup_expr="gte")
    started_to = django_filters.DateFilter(field_name="started_on", lookup_expr="lte")
    stalled = django_filters.BooleanFilter(method="filter_stalled", label=_("stalled today"))
    q = django_filters.CharFilter(method="filter_text", label=_("name or investor contains"))
    ordering = StableOrderingFilter(
        fields=(
            "signed_on",
            "started_on",
            "producing_on",
            "total_investment",
            "name",
            "id",
        )
    )

    class Meta:
        model = Project
        fields = []

    def filter_queryset(self, queryset):
        """A round and a batch given together name one enrollment (the round's batch), not a
        project presented in the round as one batch and elsewhere as another."""
        data = self.form.cleaned_data
        activity, kind = data.get("activity"), data.get("kind")
        if activity is None or not kind:
            return super().filter_queryset(queryset)
        data["activity"] = data["kind"] = None
        try:
            queryset = super().filter_queryset(queryset)
        finally:
            data["activity"], data["kind"] = activity, kind
        return queryset.filter(enrollments__activity=activity, enrollments__kind=kind).distinct()

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(investor__icontains=value))

    def filter_stalled(self, queryset, name, value):
        annotated = with_stall(queryset, as_of=timezone.localdate())
        return annotated.filter(stalled_q() if value else not_stalled_q())


class ProblemFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("open past its deadline today")
    )
    zone = django_filters.CharFilter(field_name="project__zone__code", label=_("zone code"))
    city = django_filters.CharFilter(field_name="project__zone__city__name", label=_("city"))
    project = IdFilter(field_name="project_id", label=_("project"))
    category = django_filters.ChoiceFilter(choices=Problem.Category.choices)
    coordination_level = django_filters.ChoiceFilter(choices=Problem.Level.choices)

    class Meta:
        model = Problem
        fields = []

    def filter_overdue(self, queryset, name, value):
        condition = problem_overdue_q(as_of=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


def filter_projects(data, *, user) -> tuple[ProjectFilterSet, QuerySet[Project]]:
    """The user's projects narrowed by the API's filters, for the pages and their downloads.

    Filters that do not validate give no rows (and the filterset's errors), never an error page.
    """
    scoped = Project.objects.restrict(user)
    filterset = ProjectFilterSet(data or None, queryset=scoped)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, scoped.none()
    return filterset, filterset.qs
