from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.api.serializers import (
    AlertSerializer,
    InterviewSerializer,
    LetterReplySerializer,
    LetterSerializer,
)
from notifications.filtersets import AlertFilterSet, LetterFilterSet
from notifications.letters import letter_document, letter_reply
from notifications.models import Alert, Interview, Letter
from notifications.services import alert_acknowledge, interviews_of
from projects.api.permissions import IsMember
from projects.errors import Invalid, NotFound

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox, newest first; written by the daily deadline and stall scan."""

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


class LetterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Warning letters (警示提醒函) of the caller's zone or city, newest first."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = LetterSerializer
    permission_classes = [IsMember]
    filterset_class = LetterFilterSet

    def get_queryset(self):
        return Letter.objects.restrict(self.request.user).select_related("project", "zone")

    @extend_schema(request=LetterReplySerializer, responses=LetterSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        body = LetterReplySerializer(data=request.data)
        if not body.is_valid():
            errors = {field: [str(m) for m in messages] for field, messages in body.errors.items()}
            raise Invalid(next(iter(errors.values()))[0], errors=errors)
        letter = letter_reply(letter_id=pk, by=request.user, **body.validated_data)
        return Response(LetterSerializer(letter).data)


class LetterDocumentView(APIView):
    """The letter as a Word document, from the city's template."""

    permission_classes = [IsMember]

    @extend_schema(
        responses={
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="the letter"),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="`not_found`"),
        }
    )
    def get(self, request, pk: int):
        letter = (
            Letter.objects.restrict(request.user)
            .select_related("project", "zone", "city")
            .filter(pk=pk)
            .first()
        )
        if letter is None:
            raise NotFound()
        response = HttpResponse(letter_document(letter=letter), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.docx"'
        return response


class InterviewListView(generics.ListAPIView):
    """The supervisor's interview list (约谈): projects whose finding reached that level, most
    days over first, while the finding holds."""

    permission_classes = [IsMember]
    serializer_class = InterviewSerializer
    queryset = Interview.objects.none()  # for the schema

    def get_queryset(self):
        return interviews_of(self.request.user, as_of=timezone.localdate())
