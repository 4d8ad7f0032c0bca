"""Signals workflow sends, so later apps (notifications) can react without workflow importing
them: projects ← workflow ← notifications."""

from django.dispatch import Signal

# Sent inside the transition's transaction, with ``project`` (the saved row) and ``name``.
project_transitioned = Signal()
