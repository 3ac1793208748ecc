"""Campaign rules: the status machine, sanitised descriptions, image uploads, currency conversion."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.images import ImageRefused, clean_image
from campaigns.models import Campaign
from campaigns.money import quantize_money

from .factories import CampaignFactory, ExchangeRateFactory
from .images import bomb_png_bytes, noisy_png_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

S = Campaign.Status

ALLOWED = [
    (S.DRAFT, S.PENDING),
    (S.DRAFT, S.CANCELLED),
    (S.PENDING, S.ACTIVE),
    (S.PENDING, S.DRAFT),
    (S.PENDING, S.CANCELLED),
    (S.ACTIVE, S.PAUSED),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.CANCELLED),
    (S.PAUSED, S.ACTIVE),
    (S.PAUSED, S.COMPLETED),
    (S.PAUSED, S.CANCELLED),
]
REFUSED = [
    (S.DRAFT, S.ACTIVE),
    (S.DRAFT, S.PAUSED),
    (S.DRAFT, S.COMPLETED),
    (S.PENDING, S.PAUSED),
    (S.PENDING, S.COMPLETED),
    (S.ACTIVE, S.DRAFT),
    (S.ACTIVE, S.PENDING),
    (S.PAUSED, S.DRAFT),
    (S.PAUSED, S.PENDING),
    *[(S.COMPLETED, other) for other in S.values if other != S.COMPLETED],
    *[(S.CANCELLED, other) for other in S.values if other != S.CANCELLED],
]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_allowed_transitions(start, target):
    campaign = CampaignFactory(status=start)
    services.change_campaign_status(campaign, target)
    campaign.refresh_from_db()
    assert campaign.status == target


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_refused_transitions_name_the_rule_and_change_nothing(start, target):
    campaign = CampaignFactory(status=start)
    with pytest.raises(services.RuleBroken) as refused:
        services.change_campaign_status(campaign, target)
    assert f"{start} campaign cannot become {target}" in str(refused.value)
    campaign.refresh_from_db()
    assert campaign.status == start


def test_same_status_is_refused():
    campaign = CampaignFactory(status=S.ACTIVE)
    with pytest.raises(services.RuleBroken, match="already active"):
        services.change_campaign_status(campaign, S.ACTIVE)


def test_activation_needs_a_network_and_sets_the_start():
    campaign = CampaignFactory(status=S.PENDING, networks=[], date_start=None)
    with pytest.raises(services.RuleBroken, match="network"):
        services.change_campaign_status(campaign, S.ACTIVE)
    campaign.networks = ["instagram"]
    campaign.save()
    services.change_campaign_status(campaign, S.ACTIVE)
    campaign.refresh_from_db()
    assert campaign.date_start is not None


def test_description_is_sanitised_on_save():
    campaign = CampaignFactory(
        description='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<a href="https://brand.example">brand</a><img src=x onerror=alert(1)><b>bold</b></p>'
    )
    campaign.refresh_from_db()
    assert "<script" not in campaign.description
    assert "onclick" not in campaign.description
    assert "onerror" not in campaign.description
    assert "javascript:" not in campaign.description
    assert "<img" not in campaign.description
    assert '<a href="https://brand.example" rel="noopener noreferrer nofollow">brand</a>' in campaign.description
    assert "<b>bold</b>" in campaign.description


def test_model_clean_refuses_unknown_networks_and_bad_hashtags():
    campaign = CampaignFactory.build(networks=["myspace"], hashtags="#notalist")
    with pytest.raises(ValidationError) as refused:
        campaign.clean()
    assert set(refused.value.message_dict) == {"networks", "hashtags"}


# ------------------------------------------------------------------------------
# Images
# ------------------------------------------------------------------------------
def test_clean_image_reencodes_a_real_png():
    cleaned = clean_image(upload(png_bytes(), "logo.png"))
    assert cleaned.name == "logo.png"
    assert cleaned.read(8) == b"\x89PNG\r\n\x1a\n"


def test_clean_image_refuses_a_renamed_text_file():
    with pytest.raises(ImageRefused) as refused:
        clean_image(upload(b"GIF89a? no, just text pretending to be an image", "evil.png"))
    assert refused.value.code == "invalid_image"


def test_clean_image_refuses_a_format_outside_the_allow_list():
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8)).save(output, format="BMP")
    with pytest.raises(ImageRefused):
        clean_image(upload(output.getvalue(), "image.bmp", "image/bmp"))


def test_clean_image_refuses_too_many_bytes(settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 5_000
    with pytest.raises(ImageRefused) as refused:
        clean_image(upload(noisy_png_bytes(), "big.png"))
    assert refused.value.code == "too_large"


def test_clean_image_refuses_a_decompression_bomb():
    data = bomb_png_bytes()
    assert len(data) < 100_000
    with pytest.raises(ImageRefused) as refused:
        clean_image(upload(data, "bomb.png"))
    assert refused.value.code == "too_many_pixels"


def test_clean_image_refuses_images_over_the_pixel_cap(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000
    with pytest.raises(ImageRefused) as refused:
        clean_image(upload(png_bytes(40, 40), "wide.png"))
    assert refused.value.code == "too_many_pixels"


def test_clean_image_drops_exif():
    import io

    from PIL import Image

    image = Image.new("RGB", (16, 16))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes())
    assert b"SecretCam" in output.getvalue()
    cleaned = clean_image(upload(output.getvalue(), "photo.jpg", "image/jpeg"))
    assert b"SecretCam" not in cleaned.read()


# ------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------
def test_amounts_round_to_the_currency_minor_unit():
    assert quantize_money(Decimal("10.005"), "USD") == Decimal("10.01")
    assert quantize_money(Decimal("10.5"), "JPY") == Decimal("11")
    assert quantize_money(Decimal("1.2345"), "KWD") == Decimal("1.235")


def test_convert_amount_uses_the_rate_or_its_inverse():
    ExchangeRateFactory(base="EUR", quote="USD", rate=Decimal("1.25"))
    assert services.convert_amount(Decimal("10"), "EUR", "USD") == Decimal("12.50")
    assert services.convert_amount(Decimal("12.50"), "USD", "EUR") == Decimal("10.00")
    assert services.convert_amount(Decimal("7"), "USD", "USD") == Decimal("7.00")
    with pytest.raises(services.RuleBroken, match="No exchange rate"):
        services.convert_amount(Decimal("1"), "USD", "GBP")
