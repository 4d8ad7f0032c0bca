"""Every foreign key of our apps can be read by an index: its column leads one, its own or a
composite's (``Alert.project`` has none of its own: ``alert_finding`` leads with it). Deleting
a user, a project or a city looks its rows up by that column, as do the inbox and a project's
letters and interviews; without an index each such look-up reads the whole table."""

import pytest
from django.apps import apps
from django.db import connection

APPS = ["projects", "workflow", "notifications", "reports"]


def _foreign_keys():
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            for field in model._meta.local_concrete_fields:
                if field.many_to_one or field.one_to_one:
                    yield model._meta.db_table, field.column


def _leading_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        found["columns"][0]
        for found in constraints.values()
        if (found["index"] or found["unique"] or found["primary_key"]) and found["columns"]
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_foreign_key_column_leads_an_index():
    keys = list(_foreign_keys())
    assert ("notifications_alert", "project_id") in keys  # the walk finds our keys
    unread = [
        f"{table}.{column}" for table, column in keys if column not in _leading_columns(table)
    ]
    assert unread == []
