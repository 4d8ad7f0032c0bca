"""Who may do what: the one place roles are checked, for pages, the admin and the API alike.

Scope (which rows a user sees) is ``visible_to(user)`` on the querysets in ``models.py``;
this module answers which actions a role may take inside that scope.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("project officer")
    ZONE_LEADER = "zone_leader", _("zone leader")
    SUPERVISOR = "supervisor", _("supervisor")
    VIEWER = "viewer", _("viewer")


_MOVERS = frozenset({Role.OFFICER, Role.ZONE_LEADER, Role.SUPERVISOR})

TRANSITION_ROLES: dict[str, frozenset[str]] = {
    "start": _MOVERS,
    "put_into_production": _MOVERS,
    "reach_target": _MOVERS,
    "terminate": frozenset({Role.ZONE_LEADER, Role.SUPERVISOR}),
    "correct": frozenset({Role.SUPERVISOR}),
}


def role_of(user) -> str | None:
    from projects.models import Membership

    membership = Membership.of(user)
    return membership.role if membership else None


def may_take_transition(user, name: str) -> bool:
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return role_of(user) in TRANSITION_ROLES.get(name, frozenset())


def may_edit_projects(user) -> bool:
    """Recording and editing projects and their ledgers: everyone but viewers."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.is_superuser or role_of(user) in _MOVERS


def may_manage_reference_data(user) -> bool:
    """Zones and activities of a city: its supervisors (and superusers)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.is_superuser or role_of(user) == Role.SUPERVISOR
