"""The beat schedule as django-celery-beat rows: the scan daily at 07:30 Asia/Shanghai, the
sender and the sweeper every minute. Created once: an edit in the admin stands, and a later
``migrate`` never writes over it (get_or_create by name)."""

from django.db import migrations

SCAN = "alerts: daily scan (07:30)"
SEND = "alerts: send due deliveries"
SWEEP = "alerts: sweep expired leases"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    minutely, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SCAN, defaults={"task": "notifications.tasks.scan_task", "crontab": daily}
    )
    for name, task in (
        (SEND, "notifications.tasks.deliveries_send_task"),
        (SWEEP, "notifications.tasks.deliveries_sweep_task"),
    ):
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": minutely})
    # Tell a running beat that its schedule changed.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SCAN, SEND, SWEEP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox_robots_letters_interviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
