"""API code reaches tenant-owned rows only through the scoped accessors.

Views call `self.scoped(Model)` of their base class, serializers `scoped_rows`/`advertiser_rows`
(leadplatform/api/tenancy.py), and tenant views declare `queryset = Model.objects…` only on
the tenant base classes, whose final `get_queryset` scopes it. This test parses every module of
every `api/` package and fails on any other `<TenantModel>.objects` or `_base_manager`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from django.apps import apps

from accounts.scoping import TenantScopedQuerySet
from leadplatform.api.views import TenantScopedMixin

ROOT = Path(__file__).resolve().parents[2]
MANAGERS = {"objects", "_base_manager", "_default_manager"}

# (module path, model, why an unscoped manager is right there). Keep this short.
ALLOWED = {
    # The public catalogue of published campaigns, open to callers without a tenant.
    ("campaigns/api/app/views.py", "Campaign"),
    # Companies a tenant may name: `known_to` is Company's own scoping (visited or employing),
    # wider than `for_principal`, which hides blacklisted ones; the class-level queryset is
    # only a placeholder replaced per request in `get_fields`.
    ("leads/intel/api/serializers.py", "Company"),
    # The tracking snippet names its site by a public key; there is no principal yet.
    ("leads/intel/api/serializers.py", "Site"),
}


def tenant_models() -> set[str]:
    return {
        model.__name__ for model in apps.get_models() if isinstance(model._default_manager.all(), TenantScopedQuerySet)
    }


def api_modules() -> list[Path]:
    packages = [
        path
        for path in ROOT.rglob("api")
        if path.is_dir()
        and (path / "__init__.py").exists()
        and not {".venv", "tests", "node_modules"} & set(path.relative_to(ROOT).parts)
    ]
    return sorted(module for package in packages for module in package.rglob("*.py") if module.name != "tenancy.py")


def model_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def class_level_querysets(tree: ast.Module) -> set[int]:
    """Ids of the `queryset = …` values in class bodies: scoped by the tenant base classes (checked below)."""
    values = set()
    for klass in ast.walk(tree):
        if isinstance(klass, ast.ClassDef):
            for statement in klass.body:
                if isinstance(statement, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "queryset" for target in statement.targets
                ):
                    values.update(id(node) for node in ast.walk(statement.value))
    return values


def unscoped_uses(path: Path, tenants: set[str]) -> list[tuple[str, str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    exempt = class_level_querysets(tree)
    relative = path.relative_to(ROOT).as_posix()
    return [
        (relative, model_name(node.value), node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in MANAGERS
        and model_name(node.value) in tenants
        and id(node) not in exempt
    ]


def test_there_are_api_modules_and_tenant_models():
    assert len(api_modules()) > 20 and {"Advertiser", "Campaign", "Task", "ScrapeJob", "Lead"} <= tenant_models()


def test_api_modules_reach_tenant_rows_only_through_the_scoped_accessors():
    tenants = tenant_models()
    found = [use for path in api_modules() for use in unscoped_uses(path, tenants)]
    assert [use for use in found if use[:2] not in ALLOWED] == []


def test_the_allowlist_has_no_stale_entries():
    tenants = tenant_models()
    found = {use[:2] for path in api_modules() for use in unscoped_uses(path, tenants)}
    assert ALLOWED <= found


def test_views_declaring_a_tenant_queryset_are_scoped_by_their_base_class():
    tenants = tenant_models()
    leaky = []
    for path in api_modules():
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, klass in inspect.getmembers(module, inspect.isclass):
            queryset = klass.__dict__.get("queryset")
            if (
                getattr(queryset, "model", None) is not None
                and queryset.model.__name__ in tenants
                and not issubclass(klass, TenantScopedMixin)
            ):
                leaky.append(f"{module.__name__}.{name}")
    assert leaky == []
