"""The project list and the 三未 page: a scoped queryset, the API's filterset, a filter form and
a table (the NetBox way, ``netbox/circuits/views.py``)."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from projects.filtersets import filter_projects
from projects.forms import ProjectFilterForm, StallFilterForm
from projects.models import Project, Stage
from projects.selectors import STALL_LABEL, overdue_problem_exists, stalls, with_stall
from projects.tables import ProjectTable

PER_PAGE = 25


class CountedPaginator(Paginator):
    """A paginator told its count, which the page has already taken in the same query."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count = count


@login_required
def project_list(request):
    today = timezone.localdate()
    filterset, projects = filter_projects(request.GET, user=request.user)
    counts = projects.aggregate(
        **{stage: Count("pk", filter=Q(stage=stage)) for stage in Stage.values}
    )
    total = sum(counts.values())
    table = ProjectTable(
        with_stall(projects, as_of=today)
        .select_related("zone")
        .annotate(has_overdue_problem=overdue_problem_exists(today))
        .order_by("-signed_on", "-pk"),
        as_of=today,
    )
    # The paginator would count the rows again; the stage counts add up to the number.
    paginator = functools.partial(CountedPaginator, count=total)
    RequestConfig(request, paginate={"per_page": PER_PAGE, "paginator_class": paginator}).configure(
        table
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "nav": "projects",
            "table": table,
            "form": ProjectFilterForm(request.GET or None, user=request.user),
            "filter_errors": filterset.errors if filterset.is_bound else {},
            "total": total,
            "stage_counts": [(Stage(stage).label, counts[stage]) for stage in Stage.values],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def stall_list(request):
    """The 三未 ledger as of today, most overdue first."""
    today = timezone.localdate()
    form = StallFilterForm(request.GET or None, user=request.user)
    projects = Project.objects.restrict(request.user)
    kind = None
    if form.is_valid():
        if form.cleaned_data["zone"]:
            projects = projects.filter(zone__code=form.cleaned_data["zone"])
        kind = form.cleaned_data["kind"] or None
    elif form.is_bound:
        projects = projects.none()
    rows = stalls(projects, as_of=today, kind=kind).select_related("zone", "leader")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [
        {
            "project": row,
            "kind": STALL_LABEL[row.stall_kind],
            "days_over": row.days_over,
            "since": row.since,
        }
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/stall_list.html",
        {"nav": "stalls", "form": form, "page": page, "as_of": today, "query": query.urlencode()},
    )
