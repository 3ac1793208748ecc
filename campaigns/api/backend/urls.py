"""The campaign backend surface (the campaign API Backend Endpoints), mounted at /api/ with namespace "backend"."""

from django.urls import path

from . import views as v

app_name = "backend"

urlpatterns = [
    path("campaigns/", v.CampaignListView.as_view(), name="campaigns"),
    path("tasks/", v.CampaignTaskListView.as_view(), name="tasks"),
    path("advertiser/check/", v.AdvertiserCheckView.as_view(), name="advertiser-check"),
    path("user/check/", v.UserCheckView.as_view(), name="user-check"),
    path("advertiser/stats/financial/", v.AdvertiserFinancialView.as_view(), name="advertiser-stats-financial"),
    path("advertiser/maximum-limit/", v.MaximumLimitView.as_view(), name="advertiser-maximum-limit"),
    path("advertiser/invoices/", v.InvoiceListView.as_view(), name="advertiser-invoices"),
    path("campaigns/stats/general/", v.CampaignsGeneralStatsView.as_view(), name="campaigns-stats-general"),
    path("campaigns/stats/status/", v.CampaignsStatusStatsView.as_view(), name="campaigns-stats-status"),
    path("campaigns/stats/networks/", v.CampaignsNetworkStatsView.as_view(), name="campaigns-stats-networks"),
    path("campaign/stats/networks/", v.CampaignNetworkStatsView.as_view(), name="campaign-stats-networks"),
    path("campaign/stats/costs/", v.CampaignCostStatsView.as_view(), name="campaign-stats-costs"),
    path("campaign/settings/", v.CampaignSettingsView.as_view(), name="campaign-settings"),
    path("campaign/status/", v.CampaignStatusView.as_view(), name="campaign-status"),
    path("campaign/pre-register/", v.PreRegisterView.as_view(), name="campaign-pre-register"),
    path("campaign/post-register/", v.PostRegisterView.as_view(), name="campaign-post-register"),
    path("publishers/stats/status/", v.PublisherStatusStatsView.as_view(), name="publishers-stats-status"),
    path("publishers/stats/activity/", v.PublisherActivityStatsView.as_view(), name="publishers-stats-activity"),
    path("user/status/", v.UserStatusView.as_view(), name="user-status"),
    path("user/status/ban/", v.UserBanView.as_view(), name="user-ban"),
    path("user/notification/", v.UserNotificationView.as_view(), name="user-notification"),
    path("user/force-logout/", v.ForceLogoutView.as_view(), name="user-force-logout"),
    path("user/add-custom-social-wall/", v.CustomSocialWallView.as_view(), name="user-custom-social-wall"),
    path("task/status/", v.TaskStatusView.as_view(), name="task-status"),
    path("task/payments/", v.TaskPaymentsView.as_view(), name="task-payments"),
    path("task/actions/", v.TaskActionView.as_view(), name="task-actions"),
    path("task/custom/", v.CustomTaskView.as_view(), name="task-custom"),
    path("users/stats/sex/", v.SexStatsView.as_view(), name="users-stats-sex"),
    path("users/stats/age/", v.AgeStatsView.as_view(), name="users-stats-age"),
    path("users/stats/preferences/", v.PreferenceStatsView.as_view(), name="users-stats-preferences"),
    path("general/stats/pending/", v.PendingStatsView.as_view(), name="general-stats-pending"),
    path("general/stats/financial/", v.GeneralFinancialStatsView.as_view(), name="general-stats-financial"),
    path(
        "general/stats/estimated-publishers/",
        v.EstimatedPublishersView.as_view(),
        name="general-stats-estimated-publishers",
    ),
    path(
        "general/stats/potential-publishers/",
        v.PotentialPublishersView.as_view(),
        name="general-stats-potential-publishers",
    ),
    path("general/lists/locations/", v.LocationListView.as_view(), name="lists-locations"),
    path("general/lists/advertisers/", v.AdvertiserListView.as_view(), name="lists-advertisers"),
    path("general/lists/allowed-countries/", v.AllowedCountryListView.as_view(), name="lists-allowed-countries"),
    path("general/lists/allowed-cities/", v.AllowedCityListView.as_view(), name="lists-allowed-cities"),
    path("general/lists/allowed-categories/", v.AllowedCategoryListView.as_view(), name="lists-allowed-categories"),
    path("general/lists/allowed-campaigns/", v.AllowedCampaignListView.as_view(), name="lists-allowed-campaigns"),
    path("general/tools/exchange/", v.ExchangeView.as_view(), name="tools-exchange"),
    path("general/tools/check-user/", v.CheckUserView.as_view(), name="tools-check-user"),
    path("general/tools/user-ban/", v.ToolsUserBanView.as_view(), name="tools-user-ban"),
]
