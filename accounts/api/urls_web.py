from django.urls import path

from . import views

app_name = "web-auth"

urlpatterns = [
    path("auth/login", views.WebLoginView.as_view(), name="login"),
    path("auth/register", views.WebRegisterView.as_view(), name="register"),
]
