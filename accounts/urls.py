from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("settings/tokens/", views.token_list, name="tokens"),
    path("settings/tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("invitations/<str:secret>/", views.invitation, name="invitation"),
]
