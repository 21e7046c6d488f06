"""docker-compose.yml validates with the Docker Compose client (no engine needed)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT


def compose_command() -> list[str]:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("no Docker Compose client: .ci/run installs one (apt-get install docker-compose)")


def compose(*args: str, password: str | None = "secret", secret_key: str | None = "k" * 64) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_PASSWORD", "PARTNERGRAPH_SECRET_KEY")}
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    if secret_key is not None:
        env["PARTNERGRAPH_SECRET_KEY"] = secret_key
    return subprocess.run([*compose_command(), "-f", str(ROOT / "docker-compose.yml"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_compose_file_validates():
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr


def test_the_compose_file_has_neo4j_and_the_app_with_named_volumes():
    assert sorted(compose("config", "--services").stdout.split()) == ["app", "neo4j"]
    assert sorted(compose("config", "--volumes").stdout.split()) == ["neo4j-data", "neo4j-logs"]
    text = (ROOT / "docker-compose.yml").read_text()
    assert "image: neo4j:5.26-community" in text
    assert "healthcheck:" in text and "condition: service_healthy" in text


def test_the_neo4j_password_comes_only_from_the_environment():
    done = compose("config", "-q", password=None)
    assert done.returncode != 0
    assert "NEO4J_PASSWORD" in done.stderr


def test_the_session_secret_comes_only_from_the_environment():
    done = compose("config", "-q", secret_key=None)
    assert done.returncode != 0
    assert "PARTNERGRAPH_SECRET_KEY" in done.stderr
    assert "SECRET_KEY:" not in (ROOT / "docker-compose.yml").read_text().replace("PARTNERGRAPH_SECRET_KEY:", "")
