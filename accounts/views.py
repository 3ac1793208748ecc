"""Account web pages: log in, log out, the API token settings page, and accepting an invitation."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from leadplatform.api.exceptions import status_of
from leadplatform.domain import DomainError, NotFound

from . import demo, memberships, services
from .forms import InvitationSignupForm, TokenCreateForm
from .models import ApiToken, Membership, User
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


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """An e-mailed invitation: a signed-in invitee accepts it, a new one signs up with the invited address."""
    try:
        invitation = memberships.invitation_for_link(secret)
    except NotFound as refusal:
        return render(request, "accounts/invitation.html", {"refusal": str(refusal)}, status=404)
    may_sign_up = not request.user.is_authenticated and not memberships.invitee_has_account(invitation)
    # The password is checked against the invited address too, the e-mail the account will have.
    signup_form = (
        InvitationSignupForm(request.POST or None, instance=User(email=invitation.email)) if may_sign_up else None
    )
    context = {"invitation": invitation, "signup_form": signup_form}
    if request.method == "GET":
        return render(request, "accounts/invitation.html", context)
    if not request.user.is_authenticated and signup_form is None:
        return redirect_to_login(request.path)
    if signup_form is not None and not signup_form.is_valid():
        return render(request, "accounts/invitation.html", context, status=400)
    try:
        membership = _accept(request, secret, signup_form)
    except DomainError as refusal:
        return render(
            request, "accounts/invitation.html", {**context, "refusal": str(refusal)}, status=status_of(refusal)
        )
    role = Membership.Role(membership.role).label.lower()
    messages.success(request, f"You joined {invitation.advertiser.name} as {role}.")
    return redirect("accounts:tokens")


def _accept(request: HttpRequest, secret: str, signup_form: InvitationSignupForm | None) -> Membership:
    if signup_form is None:
        return memberships.accept_invitation(request.user, secret)
    membership = memberships.accept_invitation_with_new_account(
        secret, username=signup_form.cleaned_data["username"], password=signup_form.cleaned_data["password1"]
    )
    login(request, membership.user, backend="accounts.backends.UsernameOrEmailBackend")
    return membership
