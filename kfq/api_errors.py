"""Every API error as ``{"code", "detail"}`` (plus field errors), mapped from one place.

Domain refusals (``projects.errors``) carry their own code and status; DRF's and Django's own
exceptions are given the contract's codes here.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
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


# Answers Django gives outside any DRF view: an unmatched path, a crash, a bad Host or body. Under
# /api/ they are ``{"code", "detail"}`` like every other answer there; elsewhere Django's pages.


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last route under /api/: whatever matched no endpoint (an unknown path, an id that is
    not a number) is a JSON 404, whatever the method. Being a route, it keeps CommonMiddleware
    from redirecting a path that lacks its slash, so it does that itself, for reads only."""
    if request.method in ("GET", "HEAD") and _matches_with_slash(request):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _json(_body("not_found", _("Not found.")), 404)


def _matches_with_slash(request: HttpRequest) -> bool:
    if not settings.APPEND_SLASH or request.path_info.endswith("/"):
        return False
    try:
        match = resolve(request.path_info + "/", getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.func is not api_not_found


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(_body("invalid", _("The request could not be read.")), 400)
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(_body("forbidden", _("Your role does not allow this.")), 403)
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        detail = _("Something went wrong on our side; it has been logged. Try again later.")
        return _json(_body("server_error", detail), 500)
    return defaults.server_error(request)
