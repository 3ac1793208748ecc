"""docs/quickstart.md, run as written: every ```sh block, per section, against a live platform.

The platform starts as `make run` starts it (bin/run on an embedded SQLite database, with the
demo data; the `platform` fixture of the scraping journey). Each section's blocks run in
order in one bash process (`set -euo pipefail`), from the repository root, with `BASE`
pointing at the platform; a block that fails, or a curl answered with an error status (the
docs use `--fail-with-body`), fails the section. A route renamed or removed breaks the build.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .platform_run import running_platform

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "docs" / "quickstart.md"
pytestmark = pytest.mark.slow
SECTION_TIMEOUT_SECONDS = 420
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CURL = re.compile(r"\bcurl\b")


def sections(markdown: str) -> dict[str, list[str]]:
    """Heading → the ```sh blocks under it, in order; sections without one are left out."""
    parts = HEADING.split(markdown)
    titled = dict(zip(parts[1::2], parts[2::2], strict=True))
    return {title: blocks for title, body in titled.items() if (blocks := SH_BLOCK.findall(body))}


SECTIONS = sections(QUICKSTART.read_text())


def curl_commands(block: str) -> list[str]:
    """Each curl command of a block, its continuation lines joined."""
    joined = block.replace("\\\n", " ")
    return [line[match.start():] for line in joined.splitlines() if (match := CURL.search(line))]


def script(blocks: list[str]) -> str:
    """The blocks one after another; each announces itself on stderr so a failure names its block."""
    steps = [f"echo '--- block {number}' >&2\n{block}" for number, block in enumerate(blocks, 1)]
    return "set -euo pipefail\n" + "\n".join(steps)


def test_the_quickstart_covers_every_surface():
    paths = "\n".join(block for blocks in SECTIONS.values() for block in blocks)
    for prefix in ("/api/get/", "/api/action/", "/api/campaigns/", "/api/tasks/", "/api/v1/jobs",
                   "/api/social/tasks", "/api/web/v1/jobs", "/api/web/v1/auth/login", "/api/web/v1/auth/register",
                   "/api/intel/v1/api-token-get/", "/api/intel/v1/sessions/"):
        assert prefix in paths, prefix


@pytest.mark.parametrize("title", list(SECTIONS))
def test_every_curl_fails_on_an_error_status(title):
    lax = [command for block in SECTIONS[title] for command in curl_commands(block)
           if "--fail-with-body" not in command and not re.search(r"\s-f\b", command)]
    assert lax == []


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The running platform: (base URL, the environment its `manage.py` commands need)."""
    with running_platform(tmp_path_factory.mktemp("quickstart")) as running:
        yield running


@pytest.mark.parametrize("title", list(SECTIONS))
def test_each_section_runs_against_the_live_platform(title, platform):
    base, env = platform
    commands = script(SECTIONS[title])
    if not VENV_PYTHON.exists():  # the docs name the virtualenv of `make run`
        commands = commands.replace(".venv/bin/python", env["PY"])
    result = subprocess.run(["bash", "-c", commands], check=False, cwd=ROOT, env={**env, "BASE": base},
                            capture_output=True, text=True, timeout=SECTION_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"{title}: exit {result.returncode}\n{result.stderr[-3000:]}\n{result.stdout[-3000:]}"
