from django.urls import path

from . import views

app_name = "intel-auth"

urlpatterns = [
    path("api-token-get/", views.IntelTokenGetView.as_view(), name="api-token-get"),
    path("api-token-reset/", views.IntelTokenResetView.as_view(), name="api-token-reset"),
]
