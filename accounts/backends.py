"""Log in with either the username or the e-mail address."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User
from .usernames import username_key


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get(User.EMAIL_FIELD)
        if not login or password is None:
            return None
        # A username is found by its key, as registration compared it (accounts/usernames.py).
        by_login = Q(username_key=username_key(login)) | Q(email__iexact=login)
        user = User.objects.filter(by_login).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle for unknown users
            return None
        if user.check_password(password) and self.user_can_authenticate(user) and not user.is_banned:
            return user
        return None
