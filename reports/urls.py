from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("projects/export.xlsx", views.project_list_workbook, name="project-list-xlsx"),
    path("reports/monthly/", views.monthly_page, name="monthly"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("downloads/", views.downloads_page, name="downloads"),
]
