"""docs/quickstart.md, run as written: every ```sh and ```python block, per section, against a live platform.

The platform starts as `make run` starts it (bin/run on an embedded SQLite database, with the
demo data; the `platform` fixture of the scraping journey). Each section's sh blocks run in
order in one bash process (`set -euo pipefail`), from the repository root, with `BASE`
pointing at the platform; a block that fails, or a curl answered with an error status (the
docs use `--fail-with-body`), fails the section. A route renamed or removed breaks the build.

Each section's python blocks then run in order in one Python process, importing the client
that the "Python: the generated client" section generates (into a temporary folder, put on
PYTHONPATH); an exception or a failed assert fails the section.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .platform_run import running_platform

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "docs" / "quickstart.md"
pytestmark = pytest.mark.slow
SECTION_TIMEOUT_SECONDS = 420
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
CURL = re.compile(r"\bcurl\b")
# The section whose sh block generates the Python client the python blocks import.
CLIENT_SECTION = "Python: the generated client"
SURFACE_SECTIONS = (
    "Web scraper",
    "Social lead generation",
    "Group-post tasks",
    "Lead intelligence",
    "Campaign backend",
    "Campaign app",
)


def block_pattern(language: str) -> re.Pattern:
    return re.compile(rf"^```{language}\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def sections(markdown: str, language: str = "sh") -> dict[str, list[str]]:
    """Heading → the blocks of `language` under it, in order; sections without one are left out."""
    parts = HEADING.split(markdown)
    titled = dict(zip(parts[1::2], parts[2::2], strict=True))
    pattern = block_pattern(language)
    return {title: blocks for title, body in titled.items() if (blocks := pattern.findall(body))}


ALL_SH_SECTIONS = sections(QUICKSTART.read_text())
SECTIONS = {title: blocks for title, blocks in ALL_SH_SECTIONS.items() if title != CLIENT_SECTION}
PYTHON_SECTIONS = sections(QUICKSTART.read_text(), "python")


def curl_commands(block: str) -> list[str]:
    """Each curl command of a block, its continuation lines joined."""
    joined = block.replace("\\\n", " ")
    return [line[match.start() :] for line in joined.splitlines() if (match := CURL.search(line))]


def script(blocks: list[str]) -> str:
    """The blocks one after another; each announces itself on stderr so a failure names its block."""
    steps = [f"echo '--- block {number}' >&2\n{block}" for number, block in enumerate(blocks, 1)]
    return "set -euo pipefail\n" + "\n".join(steps)


def test_the_quickstart_covers_every_surface():
    paths = "\n".join(block for blocks in SECTIONS.values() for block in blocks)
    for prefix in (
        "/api/get/",
        "/api/action/",
        "/api/campaigns/",
        "/api/tasks/",
        "/api/v1/jobs",
        "/api/social/tasks",
        "/api/web/v1/jobs",
        "/api/web/v1/auth/login",
        "/api/web/v1/auth/register",
        "/api/intel/v1/api-token-get/",
        "/api/intel/v1/sessions/",
    ):
        assert prefix in paths, prefix


def test_every_surface_has_python_blocks():
    covered = {surface for surface in SURFACE_SECTIONS for title in PYTHON_SECTIONS if title.startswith(surface)}
    assert covered == set(SURFACE_SECTIONS)


@pytest.mark.parametrize("title", list(ALL_SH_SECTIONS))
def test_every_curl_fails_on_an_error_status(title):
    lax = [
        command
        for block in ALL_SH_SECTIONS[title]
        for command in curl_commands(block)
        if "--fail-with-body" not in command and not re.search(r"\s-f\b", command)
    ]
    assert lax == []


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The running platform: (base URL, the environment its `manage.py` commands need)."""
    with running_platform(tmp_path_factory.mktemp("quickstart")) as (base, env, _credentials):
        yield base, env


@pytest.mark.parametrize("title", list(SECTIONS))
def test_each_section_runs_against_the_live_platform(title, platform):
    base, env = platform
    commands = script(SECTIONS[title])
    if not VENV_PYTHON.exists():  # the docs name the virtualenv of `make run`
        commands = commands.replace(".venv/bin/python", env["PY"])
    result = subprocess.run(
        ["bash", "-c", commands],
        check=False,
        cwd=ROOT,
        env={**env, "BASE": base},
        capture_output=True,
        text=True,
        timeout=SECTION_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, (
        f"{title}: exit {result.returncode}\n{result.stderr[-3000:]}\n{result.stdout[-3000:]}"
    )


@dataclass(frozen=True)
class GeneratedClient:
    folder: Path  # holds the package `generated_lead_client`
    output: str  # what the generator printed


@pytest.fixture(scope="module")
def client_generation(platform, tmp_path_factory) -> GeneratedClient:
    """The client generated by the quickstart's own command, run as written (the shell's own PATH)."""
    base, env = platform
    folder = tmp_path_factory.mktemp("python-client")
    commands = script(ALL_SH_SECTIONS[CLIENT_SECTION])
    if not VENV_PYTHON.exists():
        bin_dir = str(Path(env["PY"]).parent)
        commands = commands.replace("$PWD/.venv/bin", bin_dir).replace(".venv/bin", bin_dir)
    result = subprocess.run(
        ["bash", "-c", commands],
        check=False,
        cwd=ROOT,
        env={**env, "BASE": base, "CLIENT_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=SECTION_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-3000:]}\n{result.stdout[-3000:]}"
    return GeneratedClient(folder, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def generated_client(client_generation) -> Path:
    return client_generation.folder


def test_the_client_is_generated_without_a_warning(client_generation):
    assert "warning" not in client_generation.output.lower(), client_generation.output[-3000:]


@pytest.mark.parametrize("title", list(PYTHON_SECTIONS))
def test_each_python_section_runs_against_the_live_platform(title, platform, generated_client):
    base, env = platform
    python = str(VENV_PYTHON) if VENV_PYTHON.exists() else env["PY"]
    program = "\n".join(PYTHON_SECTIONS[title])
    result = subprocess.run(
        [python, "-c", program],
        check=False,
        cwd=ROOT,
        env={**env, "BASE": base, "PYTHONPATH": str(generated_client)},
        capture_output=True,
        text=True,
        timeout=SECTION_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, (
        f"{title}: exit {result.returncode}\n{result.stderr[-3000:]}\n{result.stdout[-3000:]}"
    )
