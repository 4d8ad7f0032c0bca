"""The one scope rule, after NetBox's ``RestrictedQuerySet.restrict``.

A user sees what their zone holds, or what their city holds; a superuser sees everything; anyone
else sees nothing. Every list, detail, filter, report, export, admin page and page goes through
``Model.objects.restrict(user)``; what it leaves out does not exist for that user (404).

Each scoped model says how its rows reach a place, with two class attributes:

- ``scope_zone``: the lookup from a row to its zone ("" for a zone itself; ``None`` for rows that
  belong to a whole city, such as its rounds, which every zone of the city sees);
- ``scope_city``: the lookup from a row to its city ("" for a city itself).
"""

from __future__ import annotations

from django.db import models


def _lookup(prefix: str, leaf: str) -> str:
    return f"{prefix}__{leaf}" if prefix else leaf


def membership_of(user):
    """The user's membership (cached on the user by Django's reverse one-to-one), or None."""
    from projects.models.people import Membership

    return Membership.of(user)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user) -> ScopedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        zone_path, city_path = self.model.scope_zone, self.model.scope_city
        if membership.zone_id is None:
            return self.filter(**{_lookup(city_path, "pk"): membership.city_id})
        if zone_path is None:
            return self.filter(**{_lookup(city_path, "zones"): membership.zone_id})
        return self.filter(**{_lookup(zone_path, "pk"): membership.zone_id})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
