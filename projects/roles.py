"""The roles and what each may do: data only, importing nothing but the stage vocabulary.

Who holds which role is ``Membership`` (``projects.models.people``); the checks that read it
are in ``projects.access``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.stages import Transition


class Role(models.TextChoices):
    OFFICER = "officer", _("project officer")
    ZONE_LEADER = "zone_leader", _("zone leader")
    SUPERVISOR = "supervisor", _("supervisor")
    VIEWER = "viewer", _("viewer")


ZONE_ROLES = frozenset({Role.OFFICER, Role.ZONE_LEADER})
# Recording and editing projects and their ledgers: everyone but viewers.
MOVERS = frozenset({Role.OFFICER, Role.ZONE_LEADER, Role.SUPERVISOR})

TRANSITION_ROLES: dict[str, frozenset[str]] = {
    Transition.START: MOVERS,
    Transition.PUT_INTO_PRODUCTION: MOVERS,
    Transition.REACH_TARGET: MOVERS,
    Transition.TERMINATE: frozenset({Role.ZONE_LEADER, Role.SUPERVISOR}),
    Transition.CORRECT: frozenset({Role.SUPERVISOR}),
}

# What each role may do in the Django admin, as model permissions of one group per role. The
# admin still shows only the rows ``restrict(user)`` lets through, and transitions still go
# through the role check of ``TRANSITION_ROLES``.
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
        # the city's three-rates basis (口径) and yearly targets (reports)
        "view_ratebasis",
        "add_ratebasis",
        "change_ratebasis",
        "view_ratetarget",
        "add_ratetarget",
        "change_ratetarget",
    ],
}
