import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.api.serializers import AlertSerializer
from notifications.models import Alert
from notifications.services import alert_acknowledge
from projects.api.permissions import IsMember
from projects.filtersets import IdFilter


class AlertFilterSet(django_filters.FilterSet):
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )
    # a number, not a choice among all projects: a foreign id must answer as an unknown one does
    project = IdFilter(field_name="project")

    class Meta:
        model = Alert
        fields = ["rule", "level", "project"]


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox, newest first. Alerts are written by the deadline and stall scan."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = AlertSerializer
    permission_classes = [IsMember]
    filterset_class = AlertFilterSet

    def get_queryset(self):
        return Alert.objects.inbox_of(self.request.user).select_related("project")

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def ack(self, request, pk=None):
        alert = alert_acknowledge(alert_id=pk, by=request.user)
        return Response(AlertSerializer(alert).data)
