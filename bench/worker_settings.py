"""The product's settings for the scan's Celery worker (bench/fanout.py).

Used only by the worker the benchmark starts (``DJANGO_SETTINGS_MODULE=bench.worker_settings``):
the product's settings, but for the sender each zone's pass queues after its commit, which goes
to a queue no worker takes (emptied afterwards). In production the sender is queued behind every
zone of the fan-out and finds nothing due before the 08:30 digest; here it would run between the
figures, so the worker runs the passes alone.
"""

from kfq.settings import *  # noqa: F403

HELD_QUEUE = "bench-held"
CELERY_TASK_ROUTES = {"notifications.tasks.deliveries_send_task": {"queue": HELD_QUEUE}}
