from rest_framework.permissions import SAFE_METHODS, BasePermission

from projects.access import may_edit_projects, may_manage_reference_data
from projects.models import Membership


class IsMember(BasePermission):
    """Authenticated and placed in a zone or a city (or a superuser)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or Membership.of(user)))


class EditsProjects(IsMember):
    """Reads for every member; writes for officers, zone leaders and supervisors."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or may_edit_projects(request.user)


class ManagesReferenceData(IsMember):
    """Reads for every member; zones and activities are created by the city's supervisors."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or may_manage_reference_data(request.user)
