"""Where a user belongs, in which role, and what that role may do."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models.places import City, Zone
from projects.models.scope import ScopedQuerySet
from projects.roles import MOVERS, TRANSITION_ROLES, ZONE_ROLES, Role


class MembershipQuerySet(ScopedQuerySet):
    def restrict(self, user) -> MembershipQuerySet:
        """The people a user may name on a project: their zone's and their city's own.

        A zone's officer sees the zone's people and the city's supervisors; a city's supervisor
        sees the city's people and those of every zone of the city.
        """
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        membership = Membership.of(user)
        if membership is None:
            return self.none()
        if membership.zone_id:
            return self.filter(
                Q(zone_id=membership.zone_id) | Q(city__zones=membership.zone_id, zone__isnull=True)
            )
        return self.filter(Q(city_id=membership.city_id) | Q(zone__city_id=membership.city_id))


class Membership(models.Model):
    """Where a user belongs and in which role: a zone (officer, zone leader) or a city."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    zone = models.ForeignKey(
        Zone, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("zone")
    )
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("city")
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(zone__isnull=False, city__isnull=True)
                    | Q(zone__isnull=True, city__isnull=False)
                ),
                name="membership_zone_xor_city",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.OFFICER, Role.ZONE_LEADER]) | Q(zone__isnull=False),
                name="membership_zone_roles_have_zone",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SUPERVISOR) | Q(city__isnull=False),
                name="membership_supervisor_has_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.zone or self.city}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        role_group_join(self.user, self.role)

    def clean(self) -> None:
        if bool(self.zone_id) == bool(self.city_id):
            raise ValidationError(_("A user belongs to exactly one zone or one city."))
        if self.role in ZONE_ROLES and not self.zone_id:
            raise ValidationError({"zone": _("Officers and zone leaders belong to a zone.")})
        if self.role == Role.SUPERVISOR and not self.city_id:
            raise ValidationError({"city": _("Supervisors belong to a city.")})

    @classmethod
    def of(cls, user) -> Membership | None:
        """The user's membership, cached on the user object for the request."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        try:
            return user.membership
        except cls.DoesNotExist:
            return None


def _active(user) -> bool:
    return user is not None and bool(getattr(user, "is_active", False))


def role_of(user) -> str | None:
    membership = Membership.of(user)
    return membership.role if membership else None


def may_take_transition(user, name: str) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or role_of(user) in TRANSITION_ROLES.get(name, frozenset())


def may_edit_projects(user) -> bool:
    """Recording and editing projects and their ledgers: everyone but viewers."""
    return _active(user) and (user.is_superuser or role_of(user) in MOVERS)


def may_manage_reference_data(user) -> bool:
    """Zones and activities of a city: its supervisors (and superusers)."""
    return _active(user) and (user.is_superuser or role_of(user) == Role.SUPERVISOR)


def role_group_join(user, role: str) -> None:
    """Put the user in their role's group (its admin permissions), and in no other role's."""
    from django.contrib.auth.models import Group

    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    group = Group.objects.filter(name=role).first()
    if group is not None:
        user.groups.add(group)
