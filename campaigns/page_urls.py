"""The influencer app's pages, mounted at /app/ (session sign-in at /login/)."""

from django.urls import path

from tasks import pages as task_pages

from . import pages

app_name = "app"

urlpatterns = [
    path("", pages.campaign_list, name="campaigns"),
    path("campaigns/<id:pk>/", pages.campaign_detail, name="campaign"),
    path("campaigns/<id:pk>/join/", pages.campaign_join, name="campaign-join"),
    path("campaigns/<id:pk>/leaderboard/", pages.campaign_leaderboard, name="leaderboard"),
    path("tasks/", task_pages.task_list, name="tasks"),
    path("tasks/<id:pk>/", task_pages.task_detail, name="task"),
    path("tasks/<id:pk>/complete/", task_pages.task_complete, name="task-complete"),
    path("tasks/<id:pk>/leave/", task_pages.task_leave, name="task-leave"),
]
