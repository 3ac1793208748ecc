"""Every third-party package the code imports is declared in requirements/*.txt.

A package that only arrives as someone else's dependency can vanish or change major version
when that someone upgrades; declaring it pins the version the code was written against.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
SKIPPED_DIRS = {".venv", "venv", "node_modules", "staticfiles", "media", "var", "__pycache__", ".git"}


def python_files() -> list[Path]:
    """The project's .py files, migrations included; virtualenvs, build output and hidden folders are not walked."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS and not name.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def own_modules() -> set[str]:
    """The project's own top-level names: its folders of Python code and the modules beside manage.py."""
    names = {path.name for path in ROOT.iterdir() if path.is_dir() and any(path.glob("*.py"))}
    return names | {path.stem for path in ROOT.glob("*.py")}


def siblings(path: Path) -> set[str]:
    """What a script run by path (bench/*.py, a sitecustomize) imports by bare name from its own folder."""
    return {other.stem for other in path.parent.glob("*.py")}


@cache
def imported_modules(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".", 1)[0])
    return frozenset(names)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    """Names on the requirement lines of requirements/*.txt (the inputs, not the lock files)."""
    declared = set()
    for path in REQUIREMENTS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
            if match:
                declared.add(normalise(match.group(0)))
    return declared


def test_the_scan_sees_the_project():
    files = python_files()
    assert ROOT / "manage.py" in files
    assert not any(".venv" in path.parts for path in files)
    assert {"django", "leads", "aiohttp"} <= set().union(*(imported_modules(path) for path in files))


def test_every_imported_third_party_package_is_declared():
    distributions = packages_distributions()
    ignored = set(sys.stdlib_module_names) | own_modules() | {"__future__"}
    declared = declared_distributions()
    missing: dict[str, set[str]] = {}
    for path in python_files():
        for module in imported_modules(path) - ignored - siblings(path):
            # A module no installed distribution provides (an optional import) is not judged here.
            for distribution in distributions.get(module, []):
                if normalise(distribution) not in declared:
                    missing.setdefault(distribution, set()).add(str(path.relative_to(ROOT)))
    assert not missing, "Imported but not declared in requirements/*.txt: " + "; ".join(
        f"{name} (by {', '.join(sorted(files)[:3])})" for name, files in sorted(missing.items())
    )


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line in `path` and the files it includes with -r."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found |= pins(path.parent / line[3:].strip())
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*(\S+)", line)
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def test_every_lock_file_is_up_to_date_with_its_input():
    """`make lock` regenerates requirements/lock/X.txt after requirements/X.txt (or what it includes) changes."""
    inputs = sorted(REQUIREMENTS.glob("*.txt"))
    assert {path.name for path in inputs} == {path.name for path in (REQUIREMENTS / "lock").glob("*.txt")}
    stale = []
    for path in inputs:
        locked = pins(REQUIREMENTS / "lock" / path.name)
        stale += [
            f"{path.name}: {name}=={version} (lock: {locked.get(name, 'absent')})"
            for name, version in pins(path).items()
            if locked.get(name) != version
        ]
    assert not stale, "Run `make lock`; the lock files disagree with their inputs: " + "; ".join(stale)


def test_a_package_locked_in_several_sets_has_one_version():
    """Each set is compiled on its own; a package they share must not differ (production runs what the tests ran)."""
    versions: dict[str, dict[str, str]] = {}
    for path in (REQUIREMENTS / "lock").glob("*.txt"):
        for name, version in pins(path).items():
            versions.setdefault(name, {})[path.name] = version
    split = {name: found for name, found in versions.items() if len(set(found.values())) > 1}
    assert not split, (
        f"Locked at different versions across sets (`make lock LOCK_ARGS='--upgrade-package NAME'`): {split}"
    )


#: The brokers the README documents (`CELERY_BROKER_URL`): kombu's extra for each transport that needs one.
#: The embedded broker is kombu's sqlalchemy transport; amqp:// uses py-amqp, which kombu always requires.
DOCUMENTED_BROKER_EXTRAS = ("redis", "sqlalchemy")


def test_the_production_lock_has_what_each_documented_broker_needs():
    """kombu imports a transport's packages only when a worker starts on it, so nothing else would notice."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    locked = pins(REQUIREMENTS / "lock" / "production.txt")
    needed = {"amqp", "gunicorn", "psycopg-binary"}
    for line in requires("kombu") or []:
        requirement = Requirement(line)
        if requirement.marker and any(requirement.marker.evaluate({"extra": x}) for x in DOCUMENTED_BROKER_EXTRAS):
            needed.add(normalise(requirement.name))
    assert needed <= set(locked), f"Missing from requirements/lock/production.txt: {sorted(needed - set(locked))}"
