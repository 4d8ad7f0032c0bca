"""The project list and the 三未 page: a scoped queryset, the API's filterset, a filter form and
a table (the NetBox way, ``netbox/circuits/views.py``)."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig

from projects.access import may_edit_projects
from projects.errors import NotFound, Refusal
from projects.filtersets import filter_projects
from projects.forms import (
    MilestoneDoneForm,
    MilestoneForm,
    ProblemForm,
    ProgressForm,
    ProjectFilterForm,
    ResolveForm,
    StallFilterForm,
    filter_errors,
)
from projects.models import Milestone, Problem, ProgressReport, Project, Stage
from projects.selectors import STALL_LABEL, stall_page_rows, with_stall
from projects.services import (
    milestone_create,
    milestone_update,
    problem_create,
    problem_resolve,
    progress_create,
)
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
    # ?stalled= has annotated the rows with the stall already (the same rule, as of today).
    if "days_over" not in projects.query.annotations:
        projects = with_stall(projects, as_of=today)
    table = ProjectTable(
        projects.select_related("zone").order_by("-signed_on", "-pk"),
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
            "form": (form := ProjectFilterForm(request.GET or None, user=request.user)),
            "filter_errors": filter_errors(filterset, form),
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
    rows = stall_page_rows(projects, as_of=today, kind=kind)
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


# The project page's ledgers: problems (add, 销号), monthly progress (add), milestones (add, done).
# Each section is its own template, re-rendered in place by htmx; every write is a service call
# and a refusal is shown in the service's own sentence, on the field it names.

SECTIONS = {
    "problems": "projects/ledgers/problems.html",
    "progress": "projects/ledgers/progress.html",
    "milestones": "projects/ledgers/milestones.html",
}


def ledger_context(project: Project, user, *, forms: dict | None = None) -> dict:
    """What the three ledger sections show: rows, and blank forms when the user may write."""
    today = timezone.localdate()
    context = {
        "project": project,
        "may_edit": may_edit_projects(user),
        "today": today,
        "problems": list(Problem.objects.filter(project=project).order_by("status", "deadline")),
        "progress": list(ProgressReport.objects.filter(project=project).order_by("-month")[:12]),
        "milestones": list(Milestone.objects.filter(project=project).order_by("planned_on", "pk")),
        "problem_form": ProblemForm(prefix="problem", initial={"raised_on": today}),
        "progress_form": ProgressForm(prefix="progress", initial={"month": f"{today:%Y-%m}"}),
        "milestone_form": MilestoneForm(prefix="milestone"),
        "refusal": None,
        "failed": None,
    }
    for problem in context["problems"]:
        if problem.status == Problem.Status.OPEN:
            problem.resolve_form = ResolveForm(
                prefix=f"resolve-{problem.pk}", initial={"resolved_on": today}
            )
    for milestone in context["milestones"]:
        if milestone.done_on is None:
            milestone.done_form = MilestoneDoneForm(
                prefix=f"done-{milestone.pk}", initial={"done_on": today}
            )
    forms = dict(forms or {})
    # A row's form that failed goes back on its row, with its errors.
    failed_row = forms.pop("row", None)
    for key, rows in (("resolve_form", "problems"), ("done_form", "milestones")):
        if key in forms:
            form = forms.pop(key)
            for row in context[rows]:
                if row.pk == failed_row:
                    setattr(row, key, form)
    context.update(forms)
    return context


def _scoped_project(request, pk: int) -> Project:
    """The project in the user's scope (else 404, as unknown); only a POST writes."""
    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    if request.method != "POST":
        raise MethodNotAllowed
    return project


class MethodNotAllowed(Exception):
    """A GET on a form's target; answered 405 by ``ledger_post``."""


def ledger_post(view):
    """Wraps a ledger write: signed in, and 405 for anything but a POST on a project in scope."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except MethodNotAllowed:
            return HttpResponseNotAllowed(["POST"])

    return wrapper


def _section(request, project, section: str, *, forms=None, refusal=None, failed=None, status=200):
    """The section again: in place for htmx (htmx swaps only a 2xx, so a refusal is a 200
    there), else the project page after success or the section alone with the refusal's status."""
    if refusal is None and failed is None and not request.htmx:
        return redirect("workflow:project", pk=project.pk)
    row = {"row": failed} if isinstance(failed, int) else {}
    context = ledger_context(project, request.user, forms={**(forms or {}), **row})
    context.update({"refusal": refusal, "failed": failed, "section": SECTIONS[section]})
    if request.htmx:
        return render(request, SECTIONS[section], context)
    return render(request, "projects/ledgers/page.html", context, status=status)


def _refused(form, refusal: Refusal) -> None:
    for field, errors in refusal.errors.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)


def _write(request, project, section, form, key, write, *, failed=None):
    """Validate the form, call the service; a bad form or a refusal shows the section again."""
    if not form.is_valid():
        return _section(
            request, project, section, forms={key: form}, failed=failed or key, status=400
        )
    try:
        write(form.cleaned_data)
    except NotFound:
        raise Http404 from None
    except Refusal as refusal:
        _refused(form, refusal)
        return _section(
            request,
            project,
            section,
            forms={key: form},
            refusal=refusal,
            failed=failed or key,
            status=refusal.status,
        )
    return _section(request, project, section)


@ledger_post
def problem_add(request, pk: int):
    project = _scoped_project(request, pk)
    form = ProblemForm(request.POST, prefix="problem")
    return _write(
        request,
        project,
        "problems",
        form,
        "problem_form",
        lambda data: problem_create(project=project, by=request.user, **data),
    )


@ledger_post
def problem_resolve_page(request, pk: int, problem: int):
    project = _scoped_project(request, pk)
    instance = get_object_or_404(
        Problem.objects.restrict(request.user), pk=problem, project=project
    )
    form = ResolveForm(request.POST, prefix=f"resolve-{instance.pk}")
    return _write(
        request,
        project,
        "problems",
        form,
        "resolve_form",
        lambda data: problem_resolve(problem=instance, by=request.user, **data),
        failed=instance.pk,
    )


@ledger_post
def progress_add(request, pk: int):
    project = _scoped_project(request, pk)
    form = ProgressForm(request.POST, prefix="progress")
    return _write(
        request,
        project,
        "progress",
        form,
        "progress_form",
        lambda data: progress_create(project=project, by=request.user, **data),
    )


@ledger_post
def milestone_add(request, pk: int):
    project = _scoped_project(request, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    return _write(
        request,
        project,
        "milestones",
        form,
        "milestone_form",
        lambda data: milestone_create(project=project, by=request.user, **data),
    )


@ledger_post
def milestone_done(request, pk: int, milestone: int):
    project = _scoped_project(request, pk)
    instance = get_object_or_404(
        Milestone.objects.restrict(request.user), pk=milestone, project=project
    )
    form = MilestoneDoneForm(request.POST, prefix=f"done-{instance.pk}")
    return _write(
        request,
        project,
        "milestones",
        form,
        "done_form",
        lambda data: milestone_update(milestone=instance, by=request.user, **data),
        failed=instance.pk,
    )
