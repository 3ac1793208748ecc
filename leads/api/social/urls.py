"""The group-post API's paths at /api/social/ (namespace "social")."""

from django.urls import path

from . import views

app_name = "social"

urlpatterns = [
    path("tasks", views.TaskViewSet.as_view({"get": "list", "post": "create"}), name="tasks-list"),
    path(
        "tasks/<id:pk>",
        views.TaskViewSet.as_view({"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}),
        name="tasks-detail",
    ),
    path("tasks/<id:pk>/reset", views.TaskViewSet.as_view({"post": "reset"}), name="tasks-reset"),
    path("tasks/<id:pk>/result", views.TaskViewSet.as_view({"get": "result"}), name="tasks-result"),
]
