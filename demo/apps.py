from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city's planner and writer, and ``manage.py seed_demo``; nothing depends on it."""

    name = "demo"
