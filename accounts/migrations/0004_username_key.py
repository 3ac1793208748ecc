"""Usernames compared as people read them: `User.username_key`, unique, filled in for every user.

Two existing users whose names share a key (`Acme` and `acme`) both keep their accounts: the
oldest gets the key, every other one the key with `#<id>` (a character usernames never hold),
and logs in by e-mail address until staff rename it.
"""

import django.contrib.auth.validators
from django.db import migrations, models

import accounts.models
import accounts.usernames


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set()
    for user in User.objects.order_by("id").only("id", "username").iterator():
        key = accounts.usernames.username_key(user.username)
        user.username_key = f"{key}#{user.pk}" if key in taken else key
        taken.add(key)
        User.objects.filter(pk=user.pk).update(username_key=user.username_key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_counter_moved_to_api"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", accounts.models.AccountUserManager())],
        ),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(default="", editable=False, max_length=600),
            preserve_default=False,
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(fields=("username_key",), name="accounts_user_username_key_unique"),
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="150 characters or fewer: letters, digits and @/./+/-/_ only, in one script.",
                max_length=150,
                unique=True,
                validators=[
                    django.contrib.auth.validators.UnicodeUsernameValidator(),
                    accounts.usernames.validate_username_scripts,
                ],
                verbose_name="username",
            ),
        ),
    ]
