"""The inbox (收件箱), the warning letters (警示提醒函) and the interview list (约谈名单): pages
over the same querysets, filtersets and services as ``notifications.api`` (NetBox's way, as
``projects.views``). Acknowledging and answering are the services' ``alert_acknowledge`` and
``letter_reply``; a refusal is shown in the service's own sentence."""

import functools

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_tables2 import RequestConfig

from notifications.filtersets import AlertFilterSet, LetterPageFilterSet, ReplyState
from notifications.forms import AlertFilterForm, LetterFilterForm, LetterReplyForm
from notifications.letters import letter_reply
from notifications.models import Alert, Letter
from notifications.services import alert_acknowledge, interviews_of
from notifications.tables import STATE_BADGE, AlertTable, InterviewTable, LetterTable
from projects.access import role_of
from projects.errors import NotFound, Refusal
from projects.filtersets import MAX_ID
from projects.forms import filter_errors
from projects.roles import ZONE_ROLES

PER_PAGE = 25


def unread_count(user) -> int:
    """The top bar's number: the user's unread alerts (the inbox's partial index answers it)."""
    return Alert.objects.inbox_of(user).filter(acknowledged_at__isnull=True).count()


def _filtered(filterset_class, data, queryset):
    """The rows the filters leave; filters that do not validate give no rows and their errors,
    never an error page (as ``projects.filtersets.filter_projects``)."""
    filterset = filterset_class(data or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


@login_required
def inbox(request):
    alerts = Alert.objects.inbox_of(request.user)
    filterset, rows = _filtered(AlertFilterSet, request.GET, alerts)
    table = AlertTable(rows.select_related("project"), request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    unread_shown = [row.record.pk for row in table.paginated_rows if not row.record.acknowledged_at]
    return render(
        request,
        "notifications/inbox.html",
        {
            "nav": "inbox",
            "table": table,
            "form": (form := AlertFilterForm(request.GET or None, alerts=alerts)),
            "filter_errors": filter_errors(filterset, form),
            "unread_shown": unread_shown,
            "here": request.get_full_path(),
        },
    )


def _post_only(request, found) -> None:
    """A form's target: a row outside the user's reach is 404 whatever the method (no oracle);
    only then is a GET told 405."""
    if not found:
        raise Http404
    if request.method != "POST":
        raise _NotPost


class _NotPost(Exception):
    pass


def post_target(view):
    """Signed in; 405 for anything but a POST on a row in reach (``_post_only``)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _NotPost:
            return HttpResponseNotAllowed(["POST"])

    return wrapper


def _back(request):
    """Where a form without htmx returns: the page it was sent from, if it is ours."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@post_target
def alert_ack(request, pk: int):
    """Acknowledge one alert (确认已读): with htmx, its row again and the top bar's count."""
    _post_only(request, Alert.objects.inbox_of(request.user).filter(pk=pk).exists())
    try:
        alert_acknowledge(alert_id=pk, by=request.user)
    except NotFound:
        raise Http404 from None
    if not request.htmx:
        return _back(request)
    alert = Alert.objects.inbox_of(request.user).select_related("project").get(pk=pk)
    table = AlertTable([alert], request=request)
    return render(
        request,
        "notifications/_alert_row.html",
        {"row": table.rows[0], "unread_alerts": unread_count(request.user)},
    )


@login_required
def alerts_ack_shown(request):
    """Acknowledge the unread alerts the page showed, all or none: an id not in the user's
    inbox is 404 and nothing is acknowledged."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        ids = sorted({int(value) for value in request.POST.getlist("alert")})
    except ValueError:
        return HttpResponseBadRequest()
    if any(not 1 <= pk <= MAX_ID for pk in ids):
        return HttpResponseBadRequest()
    try:
        with transaction.atomic():
            for pk in ids:
                alert_acknowledge(alert_id=pk, by=request.user)
    except NotFound:
        raise Http404 from None
    return _back(request)


# ---------------------------------------------------------------------------------------------
# Warning letters


def _letters(user):
    return Letter.objects.restrict(user).select_related("project", "zone")


@login_required
def letter_list(request):
    today = timezone.localdate()
    filterset, rows = _filtered(LetterPageFilterSet, request.GET, _letters(request.user))
    table = LetterTable(rows, today=today)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "notifications/letter_list.html",
        {
            "nav": "letters",
            "table": table,
            "form": (form := LetterFilterForm(request.GET or None, user=request.user)),
            "filter_errors": filter_errors(filterset, form),
            "may_reply": role_of(request.user) in ZONE_ROLES,
        },
    )


def _letter_context(request, letter: Letter, *, form=None, refusal=None) -> dict:
    today = timezone.localdate()
    state = ReplyState.of(letter, today)
    may_reply = role_of(request.user) in ZONE_ROLES and letter.replied_on is None
    if may_reply and form is None:
        form = LetterReplyForm(initial={"replied_on": today})
    return {
        "nav": "letters",
        "letter": letter,
        "state": state,
        "state_label": ReplyState.LABELS[state],
        "state_badge": STATE_BADGE[state],
        "may_reply": may_reply,
        "form": form if may_reply else None,
        "refusal": refusal,
    }


@login_required
def letter_detail(request, pk: int):
    letter = get_object_or_404(_letters(request.user), pk=pk)
    return render(request, "notifications/letter_detail.html", _letter_context(request, letter))


@post_target
def letter_reply_page(request, pk: int):
    """The zone's answer (整改) through ``letter_reply``, as the API's ``POST …/reply/``."""
    letter = _letters(request.user).filter(pk=pk).first()
    _post_only(request, letter is not None)
    form = LetterReplyForm(request.POST)
    refusal, status = None, 200
    if not form.is_valid():
        status = 400
    else:
        try:
            letter_reply(letter_id=letter.pk, by=request.user, **form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except Refusal as refused:
            refusal, status = refused, refused.status
            for field, errors in refused.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            if not request.htmx:
                return redirect("notifications:letter", pk=letter.pk)
            form = None
        letter = _letters(request.user).get(pk=pk)
    context = _letter_context(request, letter, form=form, refusal=refusal)
    if request.htmx:
        # htmx swaps only a 2xx: a refusal there is the section with its sentence
        return render(request, "notifications/_letter_reply.html", context)
    return render(request, "notifications/letter_detail.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# The interview list


@login_required
def interview_list(request):
    """The 约谈 list in the user's scope, most days over first (the API's ``interviews_of``)."""
    today = timezone.localdate()
    table = InterviewTable(interviews_of(request.user, as_of=today))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "notifications/interview_list.html",
        {"nav": "interviews", "table": table, "as_of": today},
    )
