"""Site-level files that are no app's: uploaded media (under `make run`) and /favicon.ico."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.svg"
# Campaign images, attachments and task screenshots: linked from the APIs to anyone. The rest
# of MEDIA_ROOT (background export files) is tenant data, downloaded through its API route.
PUBLIC_MEDIA_PREFIXES = ("campaigns/",)


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file from MEDIA_ROOT, when this process serves media itself (`SERVE_MEDIA`)."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media files are served by the web server.")
    if not path.startswith(PUBLIC_MEDIA_PREFIXES):
        raise Http404("Not a public media file.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before reading any page: the SVG icon the pages link."""
    return FileResponse(FAVICON.open("rb"), content_type="image/svg+xml")
