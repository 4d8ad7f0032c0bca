"""The top bar's unread count, on every page a signed-in user opens."""

import functools

from notifications.views import unread_count


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # asked only when a template draws the top bar, and once however often it is drawn
    @functools.cache
    def unread_alerts() -> int:
        return unread_count(user)

    return {"unread_alerts": unread_alerts}
