"""Writes on the reference data that are more than a save."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from projects.access import Role
from projects.errors import Invalid
from projects.models import City, Membership, Zone


def user_create(
    *,
    username: str,
    role: str,
    zone_code: str | None = None,
    city_name: str | None = None,
    password: str | None = None,
) -> tuple[object, Token]:
    """Create or update a user in one zone or city with one role, and give them an API token."""
    if role not in Role.values:
        raise Invalid.on("role", f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    if bool(zone_code) == bool(city_name):
        raise Invalid.on("zone", "Give exactly one of --zone or --city.")
    with transaction.atomic():
        zone = city = None
        if zone_code:
            zone = Zone.objects.filter(code=zone_code).first()
            if zone is None:
                raise Invalid.on("zone", f"No zone with code {zone_code!r}.")
        else:
            city, _ = City.objects.get_or_create(name=city_name)
        user, _ = get_user_model().objects.get_or_create(username=username)
        if password:
            user.set_password(password)
        elif not user.has_usable_password():
            user.set_unusable_password()
        user.save()
        membership = Membership(user=user, role=role, zone=zone, city=city)
        membership.pk = Membership.objects.filter(user=user).values_list("pk", flat=True).first()
        membership.full_clean(validate_unique=False)
        membership.save()
        token, _ = Token.objects.get_or_create(user=user)
    return user, token
