"""Which address a request comes from, one rule for the API's login throttle and django-axes.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address it saw to
``X-Forwarded-For``, the client is the entry that many places from the right: anything further
left was written by the client and proves nothing. With 0 proxies the header is ignored and the
address is the socket's (``REMOTE_ADDR``), so rotating the header gains a guesser nothing.
"""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """DRF's own reading under ``NUM_PROXIES`` (set from ``TRUSTED_PROXY_COUNT``), so the
    throttle and axes cannot disagree about who is knocking."""
    return BaseThrottle().get_ident(request) or None
