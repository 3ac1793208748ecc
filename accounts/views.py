"""Account web pages: log in, log out, and the API token settings page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import demo, services
from .forms import TokenCreateForm
from .models import ApiToken
from .principal import Kind, Principal


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "demo_logins": demo.demo_logins(for_influencers=True),
            "demo_password": demo.DEMO_PASSWORD,
        }

    def get_default_redirect_url(self) -> str:
        """Influencers land on the influencer app; everyone else where LOGIN_REDIRECT_URL says."""
        if Principal.for_user(self.request.user).kind is Kind.PUBLISHER:
            return reverse("app:campaigns")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


NEW_SECRET_SESSION_KEY = "accounts:new-token-secret"


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        token, secret = services.issue_token(
            request.user,
            advertiser=form.cleaned_data["advertiser"],
            name=form.cleaned_data["name"],
            source=ApiToken.Source.WEB,
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        # Post/redirect/get: the secret rides in the session for exactly one page view.
        request.session[NEW_SECRET_SESSION_KEY] = secret
        messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
        return redirect("accounts:tokens")
    new_secret = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    tokens = ApiToken.objects.filter(user=request.user).select_related("advertiser")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
