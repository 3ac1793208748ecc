"""Forms of the account web pages."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import Advertiser, User


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, initial="API token")
    advertiser = forms.ModelChoiceField(
        queryset=Advertiser.objects.none(), required=False, empty_label="No advertiser (platform or influencer)"
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, help_text="Leave empty for a token that does not expire."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        advertisers = Advertiser.objects.all() if user.is_staff else Advertiser.objects.filter(memberships__user=user)
        self.fields["advertiser"].queryset = advertisers.order_by("name")
        if not user.is_staff and advertisers.exists():
            self.fields["advertiser"].required = True
            self.fields["advertiser"].empty_label = None


class InvitationSignupForm(UserCreationForm):
    """A new account for an invitee: the e-mail address is the invitation's, never typed."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)
