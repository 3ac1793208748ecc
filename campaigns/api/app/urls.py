"""The campaign app surface (the campaign API App Endpoints), mounted at /api/."""

from django.urls import path

from tasks.api.app import views as task_views

from . import views

app_name = "campaign-app"

urlpatterns = [
    path("get/leaderboard/", views.LeaderboardView.as_view(), name="leaderboard"),
    path("get/campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("get/campaign/", views.CampaignDetailView.as_view(), name="campaign"),
    path("get/tasks/", task_views.PublisherTaskListView.as_view(), name="tasks"),
    path("action/campaign/join/", views.JoinCampaignView.as_view(), name="campaign-join"),
    path("action/task/complete/", task_views.CompleteTaskView.as_view(), name="task-complete"),
    path("action/task/leave/", task_views.LeaveTaskView.as_view(), name="task-leave"),
    path("action/network/approval/", views.NetworkApprovalView.as_view(), name="network-approval"),
    path("get/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("action/notifications/read/", views.NotificationReadView.as_view(), name="notifications-read"),
    path("get/public/campaigns/", views.PublicCampaignListView.as_view(), name="public-campaigns"),
    path("app/register/", views.RegisterView.as_view(), name="register"),
    path("app/token/", views.TokenView.as_view(), name="token"),
]
