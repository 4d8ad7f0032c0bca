"""Reports' background work: thin tasks over services. Beat runs ``rollups_refresh_task`` every
ten minutes (a django-celery-beat row created by a data migration, editable in the admin)."""

from celery import shared_task
from django.utils import timezone

from reports.services import ledger_import_run, rollups_due, rollups_refresh


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ledger_import_task(import_id: int) -> None:
    """Check and apply a large ledger import; redelivered after a crash, it starts again (the
    apply is one transaction, and a finished import is not run twice)."""
    ledger_import_run(import_id=import_id)


@shared_task
def rollups_refresh_task() -> int:
    """The three-rates rollup of today, the day the pages and the API ask for by default
    (``TIME_ZONE``, Asia/Shanghai), for the zones due (``rollups_due``); the number refreshed.
    A second run at once only recomputes the same rows (each chunk locks its zones' marks)."""
    today = timezone.localdate()
    zones = rollups_due(as_of=today)
    return rollups_refresh(as_of=today, zone_ids=zones) if zones else 0
