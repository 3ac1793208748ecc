"""A small shop website the platform serves itself under /demo-site/, for web crawls that stay offline.

A home page, a paginated catalogue, product pages (`h1.product-title`, `span.price`), a
contact page and a team page with e-mails and phones, plus a webhook receiver that
acknowledges deliveries. The demo data's web jobs and webhook point here, so `make run`
crawls and notifies its own host. Served only when `DEMO_SITE_ENABLED` (local settings);
elsewhere every page is a 404. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from leadplatform.site_url import platform_base_url

app_name = "demo_site"
PRODUCTS_PER_PAGE = 4


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    category: str
    price: Decimal
    in_stock: bool


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    email: str
    phone: str


CATALOGUE = (
    Product("trail-tent-2p", "Trail Tent 2P", "tents", Decimal("189.00"), True),
    Product("summit-tent-3p", "Summit Tent 3P", "tents", Decimal("279.00"), True),
    Product("bivvy-shelter", "Bivvy Shelter", "tents", Decimal("119.50"), False),
    Product("down-sleeping-bag", "Down Sleeping Bag -5°C", "sleeping", Decimal("229.00"), True),
    Product("camp-mat", "Self-inflating Camp Mat", "sleeping", Decimal("64.90"), True),
    Product("hiking-boots", "Ridge Hiking Boots", "boots", Decimal("149.00"), True),
    Product("approach-shoes", "Approach Shoes", "boots", Decimal("119.00"), False),
    Product("rain-jacket", "Storm Rain Jacket", "clothing", Decimal("159.00"), True),
    Product("fleece-midlayer", "Fleece Midlayer", "clothing", Decimal("59.00"), True),
    Product("trekking-poles", "Carbon Trekking Poles", "gear", Decimal("89.00"), True),
    Product("headlamp", "400 lm Headlamp", "gear", Decimal("39.95"), True),
    Product("water-filter", "Squeeze Water Filter", "gear", Decimal("34.00"), True),
)
TEAM = (
    Person("Mara Lindqvist", "Founder", "mara@trailhead-outfitters.example", "+44 20 7946 0101"),
    Person("Tomás Ferreira", "Head of buying", "tomas@trailhead-outfitters.example", "+44 20 7946 0102"),
    Person("Aiko Sato", "Partnerships", "partners@trailhead-outfitters.example", "+44 20 7946 0103"),
)
SHOP = {
    "name": "Trailhead Outfitters",
    "email": "hello@trailhead-outfitters.example",
    "phone": "+44 20 7946 0100",
    "address": "12 Fell Road, Keswick CA12 5AB, United Kingdom",
}


def demo_site_url(name: str = "demo_site:home", *args) -> str:
    """Absolute URL of a demo-site page on the platform's own host (`SITE_URL`)."""
    return platform_base_url() + reverse(name, args=args)


def only_when_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEMO_SITE_ENABLED:
            raise Http404("The demo site is not enabled.")
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template: str, **context) -> HttpResponse:
    return render(request, f"demo_site/{template}", {"shop": SHOP, **context})


@only_when_enabled
@require_GET
def home(request):
    return _page(request, "home.html", featured=CATALOGUE[:3])


@only_when_enabled
@require_GET
def products(request):
    category = request.GET.get("category", "")
    items = [product for product in CATALOGUE if not category or product.category == category]
    page = Paginator(items, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    categories = sorted({product.category for product in CATALOGUE})
    return _page(request, "products.html", page=page, category=category, categories=categories)


@only_when_enabled
@require_GET
def product(request, slug: str):
    found = next((product for product in CATALOGUE if product.slug == slug), None)
    if found is None:
        raise Http404("No such product.")
    return _page(request, "product.html", product=found)


@only_when_enabled
@require_GET
def contact(request):
    return _page(request, "contact.html")


@only_when_enabled
@require_GET
def team(request):
    return _page(request, "team.html", team=TEAM)


@csrf_exempt
@only_when_enabled
@require_POST
def webhook(request):
    """Acknowledges a webhook delivery (the demo advertiser's endpoint); the body is not kept."""
    return HttpResponse(status=204)


urlpatterns = [
    path("", home, name="home"),
    path("products/", products, name="products"),
    path("products/<slug:slug>/", product, name="product"),
    path("contact/", contact, name="contact"),
    path("team/", team, name="team"),
    path("webhook/", webhook, name="webhook"),
]
