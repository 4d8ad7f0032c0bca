"""What every page's top bar shows: who is signed in, in which role, for which zone or city."""

from projects.models import Membership


def membership(request) -> dict:
    user = getattr(request, "user", None)
    found = Membership.of(user)
    if found is None:
        return {"membership": None, "place": None}
    place = found.zone if found.zone_id else found.city
    return {"membership": found, "place": place}
