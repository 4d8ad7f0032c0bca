from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from projects.models import Enrollment, Project
        from projects.signals import projects_moved
        from reports import signals

        # What the rollup's read path cannot see by a date (see reports.signals).
        pre_save.connect(signals.before_project_saved, sender=Project, dispatch_uid="rollup-p")
        post_save.connect(signals.on_project_saved, sender=Project, dispatch_uid="rollup-p")
        projects_moved.connect(signals.on_projects_moved, dispatch_uid="rollup-moved")
        pre_save.connect(
            signals.before_enrollment_saved, sender=Enrollment, dispatch_uid="rollup-e"
        )
        post_save.connect(signals.on_enrollment_saved, sender=Enrollment, dispatch_uid="rollup-e")
        post_delete.connect(
            signals.on_enrollment_deleted, sender=Enrollment, dispatch_uid="rollup-e"
        )
