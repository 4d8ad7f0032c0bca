"""The project lists' indexes: their default order, and trigram indexes for ``q=``.

``q=`` is ``icontains`` on the name and the investor, which PostgreSQL runs as
``UPPER(col::text) LIKE UPPER('%…%')``: only a trigram (pg_trgm) GIN index on that expression
serves it, and only for three characters or more. SQLite has neither; there the trigram step
does nothing.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "project_name_trgm": "name",
    "project_investor_trgm": "investor",
}


def trigram_indexes_create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON projects_project "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def trigram_indexes_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_stall_thresholds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["zone", "-signed_on", "-id"], name="project_zone_signed"),
        ),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop, elidable=False),
    ]
