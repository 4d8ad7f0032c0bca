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


# What each role may do in the Django admin, as model permissions of one group per role. The
# admin still shows only the rows ``visible_to`` the user, and transitions still go through
# the role check above.
_EDIT_LEDGERS = [
    f"{action}_{model}"
    for model in ("project", "enrollment", "milestone", "problem", "progressreport")
    for action in ("view", "add", "change")
] + ["delete_enrollment", "delete_milestone"]
_READ = [
    f"view_{model}"
    for model in (
        "zone",
        "activity",
        "project",
        "enrollment",
        "milestone",
        "problem",
        "progressreport",
        "transitionlog",
        "alert",
    )
]
ADMIN_PERMISSIONS: dict[str, list[str]] = {
    Role.VIEWER: _READ,
    Role.OFFICER: [*_READ, *_EDIT_LEDGERS],
    Role.ZONE_LEADER: [*_READ, *_EDIT_LEDGERS],
    Role.SUPERVISOR: [
        *_READ,
        *_EDIT_LEDGERS,
        "add_zone",
        "change_zone",
        "add_activity",
        "change_activity",
        "view_membership",
    ],
}


def role_groups_sync(**kwargs) -> None:
    """Create or refresh one auth group per role with its admin permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


def role_group_join(user, role: str) -> None:
    """Put the user in their role's group, and in no other role's."""
    from django.contrib.auth.models import Group

    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    group = Group.objects.filter(name=role).first()
    if group is not None:
        user.groups.add(group)
