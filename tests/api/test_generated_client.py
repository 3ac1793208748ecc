"""A Python client generated from the OpenAPI document (openapi-python-client, offline) builds
without a warning and every one of its modules imports."""
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

CONFIG = Path(__file__).resolve().parents[2] / "docs" / "openapi-python-client.yaml"
PACKAGE = "generated_lead_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    schema_path = folder / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema_path))
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    finished = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema_path),
         "--output-path", str(folder / PACKAGE), "--meta", "none", "--config", str(CONFIG)],
        capture_output=True, text=True, env=environment, timeout=600, check=False,
    )
    sys.path.insert(0, str(folder))
    yield finished
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_generator_succeeds_without_warnings(generated):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output


def test_every_generated_module_imports(generated):
    package = importlib.import_module(PACKAGE)
    failures = {}
    for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
        try:
            importlib.import_module(module.name)
        except Exception as error:  # noqa: BLE001 - every failure is reported at once
            failures[module.name] = repr(error)
    assert failures == {}


def test_every_operation_has_a_generated_module(generated):
    schema = Client().get("/api/openapi.json").json()
    operation_count = sum(len(operations) for operations in schema["paths"].values())
    api = importlib.import_module(f"{PACKAGE}.api")
    modules = [module for module in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.") if not module.ispkg]
    assert len(modules) == operation_count
