"""Production settings refuse to start with the development secret key or DEBUG on; only local ones open loopback."""

import ast
import os
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 50


def load_production(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update(env, DJANGO_SETTINGS_MODULE="leadplatform.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=environment, capture_output=True, text=True
    )


def test_production_refuses_the_default_secret_key():
    result = load_production()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = load_production(SECRET_KEY=GOOD_KEY, DEBUG="true")
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize("debug", ["false", ""])
def test_production_starts_with_a_real_key(debug):
    env = {"SECRET_KEY": GOOD_KEY}
    if debug:
        env["DEBUG"] = debug
    assert load_production(**env).returncode == 0


def test_production_keeps_database_connections_between_requests():
    script = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    environment = {**os.environ, "SECRET_KEY": GOOD_KEY, "DJANGO_SETTINGS_MODULE": "leadplatform.settings.production"}
    environment.pop("DB_CONN_MAX_AGE", None)
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert result.stdout.strip() == "60"


def test_production_is_https_only_by_default():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr((s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)))"
    )
    environment = {**os.environ, "SECRET_KEY": GOOD_KEY, "DJANGO_SETTINGS_MODULE": "leadplatform.settings.production"}
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        environment.pop(name, None)
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert ast.literal_eval(result.stdout.strip()) == (True, 31_536_000, True, True)


def demo_settings_of(module: str) -> tuple[bool, str]:
    """DEMO_SITE_ENABLED and SCRAPER_ALLOWED_NETWORKS as a settings module sets them by default."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(repr((settings.DEMO_SITE_ENABLED, settings.SCRAPER_ALLOWED_NETWORKS)))"
    )
    environment = {**os.environ, "SECRET_KEY": GOOD_KEY, "DJANGO_SETTINGS_MODULE": module}
    for name in ("DEMO_SITE_ENABLED", "SCRAPER_ALLOWED_NETWORKS", "DEBUG"):
        environment.pop(name, None)
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    return ast.literal_eval(result.stdout.strip())


def test_production_keeps_loopback_denied_and_the_demo_site_off():
    assert demo_settings_of("leadplatform.settings.production") == (False, "")


def test_local_settings_open_loopback_for_the_demo_site():
    assert demo_settings_of("leadplatform.settings.local") == (True, "127.0.0.1/32,::1/128")


def default_setting(module: str, name: str):
    """A setting's value under a settings module when the environment does not set it."""
    script = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    environment = {**os.environ, "SECRET_KEY": GOOD_KEY, "DJANGO_SETTINGS_MODULE": module}
    for key in (name, "DEBUG"):
        environment.pop(key, None)
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    return ast.literal_eval(result.stdout.strip())


@pytest.mark.parametrize(
    ("module", "serves"),
    [
        ("leadplatform.settings.local", True),
        ("leadplatform.settings.production", False),
    ],
)
def test_media_is_served_by_django_in_local_settings_only(module, serves):
    assert default_setting(module, "SERVE_MEDIA") is serves
