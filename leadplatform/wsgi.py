"""WSGI entry point (gunicorn leadplatform.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.production")

application = get_wsgi_application()
