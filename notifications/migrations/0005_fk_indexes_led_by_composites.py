"""The foreign keys whose column already leads a composite index or unique constraint lose
their own single-column index: the scan's inserts maintain one index fewer per key, and every
read by that column (the inbox, cascade deletes, a project's letters and interviews) uses the
composite. Only the indexes are dropped (``SeparateDatabaseAndState``): ``AlterField`` would
also drop and re-add each foreign key constraint, checking every row of the tables again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, the index Django's 0001/0002 named for it)
INDEXES = [
    ("notifications_alert", "project_id", "notifications_alert_project_id_77abfd78"),
    ("notifications_alert", "recipient_id", "notifications_alert_recipient_id_3e9dbc67"),
    ("notifications_interview", "project_id", "notifications_interview_project_id_c029e133"),
    ("notifications_letter", "city_id", "notifications_letter_city_id_f948fd50"),
    ("notifications_letter", "project_id", "notifications_letter_project_id_edfa8ea5"),
    ("notifications_lettersequence", "city_id", "notifications_lettersequence_city_id_9230e141"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_scan_mark"),
        ("projects", "0006_project_changed_since_the_last_scan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="alert",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                migrations.AlterField(
                    model_name="alert",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="interview",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interviews",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                migrations.AlterField(
                    model_name="letter",
                    name="city",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letters",
                        to="projects.city",
                        verbose_name="city",
                    ),
                ),
                migrations.AlterField(
                    model_name="letter",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letters",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                migrations.AlterField(
                    model_name="lettersequence",
                    name="city",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="projects.city",
                    ),
                ),
            ],
        )
    ]
