from django.urls import path

from reports import import_views, views

app_name = "reports"
urlpatterns = [
    path("projects/export.xlsx", views.project_list_workbook, name="project-list-xlsx"),
    path("reports/monthly/", views.monthly_page, name="monthly"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("downloads/", views.downloads_page, name="downloads"),
    path("imports/", import_views.import_page, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import"),
    path("imports/<int:pk>/status/", import_views.import_status, name="import-status"),
    path("imports/<int:pk>/apply/", import_views.import_apply, name="import-apply"),
]
