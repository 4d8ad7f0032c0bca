"""Signals projects sends, so later apps (reports) can react without projects importing them."""

from django.dispatch import Signal

# Sent by ``project_update_many`` inside its transaction, with ``zone_ids`` (every zone a
# project left or entered): the bulk update sends no ``pre_save``/``post_save``.
projects_moved = Signal()
