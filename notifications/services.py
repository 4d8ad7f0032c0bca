from django.db import transaction
from django.utils import timezone

from notifications.models import Alert
from projects.errors import NotFound


def alert_acknowledge(*, alert_id: int, by) -> Alert:
    """Mark one of ``by``'s own alerts read; acknowledging twice keeps the first time."""
    with transaction.atomic():
        alert = Alert.objects.inbox_of(by).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound()
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["acknowledged_at"])
    return alert
