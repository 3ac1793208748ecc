"""The social lead API's paths at /api/v1/ (namespace "v1"), no trailing slashes, bounded numeric ids."""

from django.urls import path

from . import views

app_name = "v1"

jobs_list = views.JobViewSet.as_view({"get": "list", "post": "create"})
jobs_detail = views.JobViewSet.as_view({"get": "retrieve", "delete": "destroy"})
jobs_run = views.JobViewSet.as_view({"post": "run"})
jobs_schedule = views.JobViewSet.as_view({"put": "schedule", "delete": "schedule"})
connectors_list = views.ConnectorViewSet.as_view({"get": "list", "post": "create"})
connectors_detail = views.ConnectorViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})
targets_list = views.TargetViewSet.as_view({"get": "list", "post": "create"})
targets_detail = views.TargetViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("jobs", jobs_list, name="jobs-list"),
    path("jobs/<id:pk>", jobs_detail, name="jobs-detail"),
    path("jobs/<id:pk>/run", jobs_run, name="jobs-run"),
    path("jobs/<id:pk>/schedule", jobs_schedule, name="jobs-schedule"),
    path("targets", targets_list, name="targets-list"),
    path("targets/<id:pk>", targets_detail, name="targets-detail"),
    path("connectors", connectors_list, name="connectors-list"),
    path("connectors/<id:pk>", connectors_detail, name="connectors-detail"),
    path("connectors/<id:pk>/test", views.ConnectorViewSet.as_view({"post": "test"}), name="connectors-test"),
    path("leads", views.LeadViewSet.as_view({"get": "list"}), name="leads-list"),
    path("leads/export", views.LeadExportView.as_view({"get": "export"}), name="leads-export"),
    path("exports/<uuid:export_id>", views.ExportStatusView.as_view(), name="export-status"),
    path("exports/<uuid:export_id>/download", views.ExportDownloadView.as_view(), name="export-download"),
    path("leads/<id:pk>", views.LeadViewSet.as_view({"get": "retrieve"}), name="leads-detail"),
    path("content-analysis", views.ContentAnalysisViewSet.as_view({"get": "list"}), name="content-analysis-list"),
    path(
        "content-analysis/<id:pk>",
        views.ContentAnalysisViewSet.as_view({"get": "retrieve"}),
        name="content-analysis-detail",
    ),
    path("stats", views.StatsView.as_view(), name="stats"),
]
