"""Every API error as ``{"code", "detail"}`` (plus field errors), mapped from one place.

Domain refusals (``projects.errors``) carry their own code and status; DRF's and Django's own
exceptions are given the contract's codes here.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from projects.errors import Refusal, VersionConflict

_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "invalid",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _body(code: str, detail: str, fields: dict | None = None) -> dict:
    """``{"code", "detail"}``, each field's errors beside them, and all of them under
    ``errors`` too: a field named ``code`` or ``detail`` must not hide the error's own."""
    if not fields:
        return {"code": code, "detail": detail}
    return {**fields, "code": code, "detail": detail, "errors": fields}


def api_exception_handler(exc, context):
    if isinstance(exc, ConcurrentTransition):
        # a write raced a transition: the row's stage moved between our read and our save
        exc = VersionConflict()
    if isinstance(exc, Refusal):
        return Response(_body(exc.code, exc.detail, exc.errors), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = _body(code, _first_message(fields), fields)
    else:
        response.data = _body(code, str(exc.detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def _first_message(errors) -> str:
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors) if errors else _("Some of the data given is not valid.")
