"""The beat schedule of the three rates' rollup as a django-celery-beat row: every zone
refreshed for today every ten minutes. Created once: an edit in the admin stands, and a later
``migrate`` never writes over it (get_or_create by name)."""

from django.db import migrations

REFRESH = "reports: refresh the three rates' rollup"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=REFRESH, defaults={"task": "reports.tasks.rollups_refresh_task", "interval": every_ten}
    )
    # Tell a running beat that its schedule changed.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=REFRESH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_rate_rollup"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
