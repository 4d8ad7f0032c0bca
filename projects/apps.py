from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from projects.access import role_groups_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="projects.role_groups_sync")
