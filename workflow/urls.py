from django.urls import path

from workflow import views

app_name = "workflow"
urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
]
