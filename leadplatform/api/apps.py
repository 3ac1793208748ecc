from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "leadplatform.api"
    label = "api"
