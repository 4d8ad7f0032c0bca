"""Who may do what: the one place roles are checked, for pages, the admin and the API alike.

Scope (which rows a user sees) is ``Model.objects.restrict(user)`` (``projects.models.scope``);
this module answers which actions a role may take inside that scope. The roles themselves and
their rights are data in ``projects.roles``.
"""

from projects.models.people import (
    may_edit_projects,
    may_manage_reference_data,
    may_take_transition,
    role_group_join,
    role_of,
)
from projects.roles import ADMIN_PERMISSIONS, Role

__all__ = [
    "Role",
    "may_edit_projects",
    "may_manage_reference_data",
    "may_take_transition",
    "role_group_join",
    "role_groups_sync",
    "role_of",
]


def role_groups_sync(**kwargs) -> None:
    """Create or refresh one auth group per role with its admin permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(codename__in=codenames))
