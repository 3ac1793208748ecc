"""Image uploads: a real image of an allowed format, under the byte and pixel
caps, verified, reopened and re-encoded (which drops EXIF and anything smuggled after the data).

Used by the admin forms (through `ValidatedImageField`) and by the services that store
screenshots, so every path into storage goes through `clean_image`.
"""

from __future__ import annotations

import io
import os
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class ImageRefused(ValidationError):
    """The upload is not an acceptable image; the message says why."""


def clean_image(upload) -> ContentFile:
    """The upload re-encoded as a fresh image file, or ImageRefused."""
    max_bytes = settings.UPLOAD_MAX_IMAGE_BYTES
    max_pixels = settings.UPLOAD_MAX_IMAGE_PIXELS
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ImageRefused(f"The image is larger than {max_bytes} bytes.", code="too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRefused(f"The image is larger than {max_bytes} bytes.", code="too_large")
    # Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above; refuse both.
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
                image_format = probe.format
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRefused("The image has too many pixels.", code="too_many_pixels")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                image.load()
                encoded = _reencode(image, image_format)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("The image has too many pixels.", code="too_many_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise ImageRefused("Upload a valid image (JPEG, PNG or WebP).", code="invalid_image") from None
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "image"))[0]
    name = f"{get_valid_filename(stem)[:80] or 'image'}.{EXTENSIONS[image_format]}"
    return ContentFile(encoded, name=name)


def _reencode(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(output, format="JPEG", quality=90)
    elif image_format == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(output, format="PNG")
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(output, format="WEBP", quality=90)
    return output.getvalue()


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def validate_attachment_size(upload) -> None:
    """The campaign brief (a PDF or an image) is served to influencers as is: cap its size."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(f"The attachment is larger than {MAX_ATTACHMENT_BYTES} bytes.", code="too_large")


def campaign_image_path(instance, filename: str) -> str:
    """campaigns/advertiser_<id>/<date>__<time>__<name>, the layout the seed's image URLs show."""
    stamp = timezone.now().strftime("%Y-%m-%d__%H-%M-%S")
    return f"campaigns/advertiser_{instance.advertiser_id}/{stamp}__{filename}"


class ImageUploadFormField(forms.FileField):
    default_error_messages = {"invalid_image": "Upload a valid image (JPEG, PNG or WebP)."}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image(upload)


class ValidatedImageField(models.ImageField):
    """An ImageField whose form field runs `clean_image`, so admin uploads are re-encoded too."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})
