"""/api/web/v1/ (the web scraper API): jobs, results and export, monitoring, webhooks. Auth routes: accounts.api.urls_web."""

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("jobs", views.JobListCreateView.as_view(), name="jobs"),
    path("jobs/<uuid:job_id>", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/rerun", views.JobRerunView.as_view(), name="job-rerun"),
    path("jobs/<uuid:job_id>/schedule", views.JobScheduleView.as_view(), name="job-schedule"),
    path("results/<uuid:job_id>", views.ResultsView.as_view(), name="results"),
    path("results/<uuid:job_id>/export", views.ResultsExportView.as_view(), name="results-export"),
    path("exports/<uuid:export_id>", views.ExportStatusView.as_view(), name="export-status"),
    path("exports/<uuid:export_id>/download", views.ExportDownloadView.as_view(), name="export-download"),
    path("monitoring/stats", views.MonitoringStatsView.as_view(), name="monitoring-stats"),
    path("monitoring/proxies", views.MonitoringProxiesView.as_view(), name="monitoring-proxies"),
    path("monitoring/system", views.MonitoringSystemView.as_view(), name="monitoring-system"),
    path("webhooks", views.WebhookListCreateView.as_view(), name="webhooks"),
    path("webhooks/<id:pk>", views.WebhookDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<id:pk>/rotate-secret", views.WebhookRotateSecretView.as_view(), name="webhook-rotate-secret"),
]
