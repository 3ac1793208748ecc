"""What the admin and the forms print from the models reads as plain words: no constraint names, no
lowercase acronyms ("Url", "Api tokens"), no module paths in help texts."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db.models import BaseConstraint

#: The project's own apps (third-party models are not ours to word).
OWN_APPS = [
    config
    for config in apps.get_app_configs()
    if config.name.split(".")[0] in {"accounts", "campaigns", "tasks", "leads", "leadplatform"}
]
OWN_MODELS = [model for config in OWN_APPS for model in config.get_models()]
LOWERCASE_ACRONYM = re.compile(r"\b(url|urls|ip|id|ids|api|jwt|utm|csv|json|html|http|uuid)\b")
OWN_PACKAGES = "|".join(sorted({config.name.split(".")[0] for config in OWN_APPS}))
MODULE_PATH = re.compile(rf"\b({OWN_PACKAGES})\.[a-z_]+")


def constraints():
    for model in OWN_MODELS:
        for constraint in model._meta.constraints:
            yield pytest.param(constraint, id=f"{model._meta.label}.{constraint.name}")


def verbose_names():
    for model in OWN_MODELS:
        yield pytest.param(str(model._meta.verbose_name), id=f"{model._meta.label}")
        yield pytest.param(str(model._meta.verbose_name_plural), id=f"{model._meta.label} plural")
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name") and not field.auto_created:
                yield pytest.param(str(field.verbose_name), id=f"{model._meta.label}.{field.name}")


def help_texts():
    for model in OWN_MODELS:
        for field in model._meta.get_fields():
            if getattr(field, "help_text", ""):
                yield pytest.param(str(field.help_text), id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize("constraint", list(constraints()))
def test_every_constraint_refuses_in_its_own_words(constraint):
    assert constraint.violation_error_message != BaseConstraint.default_violation_error_message
    assert constraint.name not in constraint.get_violation_error_message()


@pytest.mark.parametrize("name", list(verbose_names()))
def test_verbose_names_spell_acronyms_in_capitals(name):
    assert not LOWERCASE_ACRONYM.search(name)


@pytest.mark.parametrize("help_text", list(help_texts()))
def test_help_texts_name_no_module(help_text):
    assert not MODULE_PATH.search(help_text)
