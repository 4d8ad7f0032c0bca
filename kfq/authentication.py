"""The API's token authentication, reading the token, its user and the user's membership in
one query.

Every API request needs all three: the user to authenticate, the membership for the role check
(``IsMember``) and for the scope of every queryset (``restrict(user)``). DRF's own class reads the
token and user, and the membership followed as a second query on each request.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "user__membership").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
