"""Signals workflow sends, so later apps (notifications) can react without workflow importing
them: projects ← workflow ← notifications."""

from django.dispatch import Signal

# Sent inside the transition's transaction, with ``project`` (the saved row) and ``name``.
project_transitioned = Signal()
# Sent once by ``projects_transition_many`` inside its transaction, with ``project_ids`` (every
# project it moved): receivers do in one step what they would do per ``project_transitioned``.
projects_transitioned = Signal()
