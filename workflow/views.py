"""The project page and its transition form.

The page lives here, not in projects/, because it shows the stage machine's history and the
transitions the user may take, and projects never imports workflow (the dependencies run one
way). Only the transitions this user may take now are offered (Viewflow's idea); the form posts
to ``project_transition`` like the API and the admin, with the version the page was rendered
with, and a refusal is shown in the service's own sentence.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from projects.errors import NotFound, Refusal
from projects.models import Project
from projects.selectors import (
    overdue_problem_exists,
    project_timeline,
    traffic_light,
    with_stall,
)
from projects.views import ledger_context
from workflow.forms import TransitionPageForm
from workflow.models import TransitionLog
from workflow.services import (
    TRANSITIONS,
    project_transition,
    transition_options,
    transition_precheck,
)


@login_required
def project_detail(request, pk: int):
    today = timezone.localdate()
    project = get_object_or_404(
        with_stall(Project.objects.restrict(request.user), as_of=today)
        .select_related("zone__city", "leader", "officer")
        .annotate(has_overdue_problem=overdue_problem_exists(today)),
        pk=pk,
    )
    ledgers = ledger_context(project, request.user)
    offered = [
        {
            "option": option,
            "spec": TRANSITIONS[option.name],
            "form": TransitionPageForm(
                transition=option.name,
                initial={"version": project.version},
                prefix=option.name,
            ),
        }
        for option in transition_options(project=project, user=request.user)
        if option.allowed
    ]
    return render(
        request,
        "workflow/project_detail.html",
        {
            **ledgers,
            "nav": "projects",
            "project": project,
            "light": traffic_light(
                project, as_of=today, has_overdue_problem=project.has_overdue_problem
            ),
            "timeline": project_timeline(project, ledgers["milestones"], as_of=today),
            "history": TransitionLog.objects.filter(project=project)
            .select_related("by")
            .order_by("recorded_at", "pk"),
            "offered": offered,
            "enrollments": project.enrollments.select_related("activity").order_by(
                "activity__held_on"
            ),
        },
    )


@login_required
def transition(request, pk: int, name: str):
    """GET: the form alone (without JavaScript); POST: take the transition."""
    try:
        spec = transition_precheck(project_id=pk, name=name, by=request.user)
    except NotFound:
        raise Http404 from None
    except Refusal as refusal:
        return _form(request, pk, name, TransitionPageForm(transition=name, prefix=name), refusal)
    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    if request.method != "POST":
        form = TransitionPageForm(
            transition=name, prefix=name, initial={"version": project.version}
        )
        return _form(request, pk, name, form)
    form = TransitionPageForm(request.POST, transition=name, prefix=name)
    if not form.is_valid():
        return _form(request, pk, name, form, status=400)
    data = form.cleaned_data
    try:
        project_transition(
            project=pk,
            name=name,
            by=request.user,
            effective_on=data["effective_on"],
            note=data["note"],
            version=data["version"],
            confirmed=data.get("confirmed", False),
        )
    except NotFound:
        raise Http404 from None
    except Refusal as refusal:
        for field, errors in refusal.errors.items():
            if field in form.fields:
                for error in errors:
                    form.add_error(field, error)
        return _form(request, pk, name, form, refusal)
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    url = reverse("workflow:project", args=[pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form(request, pk, name, form, refusal: Refusal | None = None, status: int | None = None):
    """The form again, with the refusal's sentence: in place for htmx (htmx swaps only a 2xx),
    as its own page otherwise, with the refusal's HTTP status."""
    context = {
        "project_id": pk,
        "name": name,
        "spec": TRANSITIONS[name],
        "form": form,
        "refusal": refusal,
    }
    if request.htmx:
        return render(request, "workflow/transition_form.html", context)
    code = status or (refusal.status if refusal else 200)
    return render(request, "workflow/transition_page.html", context, status=code)
