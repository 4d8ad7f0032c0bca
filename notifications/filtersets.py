"""The inbox's and the letters' filters, shared by the API and the pages so both answer the same
question the same way (as ``projects.filtersets.ProjectFilterSet`` is for projects)."""

import datetime

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Alert, Letter
from projects.filtersets import IdFilter


class AlertFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull")
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )
    # a number, not a choice among all projects: a foreign id must answer as an unknown one does
    project = IdFilter(field_name="project")
    project_name = django_filters.CharFilter(
        field_name="project__name", lookup_expr="icontains", max_length=100, label=_("project")
    )

    class Meta:
        model = Alert
        fields = ["rule", "level", "project"]


class LetterFilterSet(django_filters.FilterSet):
    project = IdFilter(field_name="project")

    class Meta:
        model = Letter
        fields = ["project", "rule"]


class ReplyState:
    """Where a letter's answer stands as of a day: the words the letters page shows."""

    PENDING = "pending"
    REPLIED = "replied"
    OVERDUE = "overdue"
    CHOICES = [
        (PENDING, _("awaiting reply")),
        (REPLIED, _("replied")),
        (OVERDUE, _("overdue, not replied")),
    ]
    LABELS = dict(CHOICES)

    @classmethod
    def of(cls, letter: Letter, today: datetime.date) -> str:
        if letter.replied_on is not None:
            return cls.REPLIED
        return cls.OVERDUE if letter.reply_due_on < today else cls.PENDING


class LetterPageFilterSet(LetterFilterSet):
    """The letters page's: the API's, and the zone and the reply's state as of today."""

    zone = django_filters.CharFilter(field_name="zone__code", label=_("zone code"))
    state = django_filters.ChoiceFilter(
        method="filter_state", choices=ReplyState.CHOICES, label=_("reply")
    )

    class Meta(LetterFilterSet.Meta):
        fields = ["project", "rule"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == ReplyState.REPLIED:
            return queryset.filter(replied_on__isnull=False)
        unanswered = queryset.filter(replied_on__isnull=True)
        if value == ReplyState.OVERDUE:
            return unanswered.filter(reply_due_on__lt=today)
        return unanswered.filter(reply_due_on__gte=today)
