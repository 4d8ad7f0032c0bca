from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("stalls/", views.stall_list, name="stalls"),
    path("projects/<int:pk>/problems/", views.problem_add, name="problem-add"),
    path(
        "projects/<int:pk>/problems/<int:problem>/resolve/",
        views.problem_resolve_page,
        name="problem-resolve",
    ),
    path("projects/<int:pk>/progress/", views.progress_add, name="progress-add"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path(
        "projects/<int:pk>/milestones/<int:milestone>/done/",
        views.milestone_done,
        name="milestone-done",
    ),
]
