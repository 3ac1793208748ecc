"""Webhook signing secrets move from plaintext to Fernet ciphertext plus a readable prefix."""

from django.db import migrations, models

from leads.encryption import decrypt_secret, encrypt_secret

DISPLAY_LENGTH = 14


def encrypt_existing(apps, schema_editor):
    Webhook = apps.get_model("leads", "Webhook")
    for webhook in Webhook.objects.only("pk", "secret").iterator():
        Webhook.objects.filter(pk=webhook.pk).update(
            secret_encrypted=encrypt_secret(webhook.secret), secret_prefix=webhook.secret[:DISPLAY_LENGTH]
        )


def decrypt_existing(apps, schema_editor):
    Webhook = apps.get_model("leads", "Webhook")
    for webhook in Webhook.objects.only("pk", "secret_encrypted").iterator():
        Webhook.objects.filter(pk=webhook.pk).update(secret=decrypt_secret(webhook.secret_encrypted))


class Migration(migrations.Migration):
    dependencies = [("leads", "0007_lead_vacuum_after_inserts")]

    operations = [
        migrations.AddField(
            model_name="webhook",
            name="secret_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhook",
            name="secret_prefix",
            field=models.CharField(default="", editable=False, help_text="Start of the signing secret.", max_length=20),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="webhook",
            name="secret",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RemoveField(model_name="webhook", name="secret"),
    ]
