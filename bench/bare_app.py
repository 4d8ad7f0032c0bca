"""A bare DRF endpoint doing only a transition's two writes: the limit the product's is beside.

``POST /bare/projects/<id>/start/`` updates the project to 开工 (stage, date, version) and inserts
its log row in one transaction, with no authentication, scope, guard or serializer: what is left
is Django, DRF and the database. Only ``bench.bare_settings`` routes to it, never the product.
"""

from django.db import connection, transaction
from django.urls import path
from django.utils import timezone
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

UPDATE = """
UPDATE projects_project SET stage = 'started', started_on = %s, version = version + 1,
       updated_at = now()
WHERE id = %s AND stage = 'signed' RETURNING version
"""
INSERT = """
INSERT INTO workflow_transitionlog (project_id, transition, source, target, effective_on,
                                    recorded_at, by_id, note)
VALUES (%s, 'start', 'signed', 'started', %s, now(), NULL, '')
"""


@api_view(["POST"])
@authentication_classes([])
@permission_classes([])
def start(request: Request, pk: int) -> Response:
    """The two writes of a 开工 transition and nothing else."""
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(UPDATE, [today, pk])
        row = cursor.fetchone()
        if row is None:
            return Response({"code": "conflict", "detail": "not at signed"}, status=409)
        cursor.execute(INSERT, [pk, today])
    return Response({"id": pk, "stage": "started", "version": row[0]})


urlpatterns = [path("bare/projects/<int:pk>/start/", start)]
