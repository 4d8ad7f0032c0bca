"""Reports' background work: thin tasks over services."""

from celery import shared_task

from reports.services import ledger_import_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ledger_import_task(import_id: int) -> None:
    """Check and apply a large ledger import; redelivered after a crash, it starts again (the
    apply is one transaction, and a finished import is not run twice)."""
    ledger_import_run(import_id=import_id)
