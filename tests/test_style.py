"""The code base keeps its own rules: ruff is clean, and dependencies point one way."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

PACKAGE = ROOT / "src" / "partnergraph"


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def imports_of(path) -> set[str]:
    return set(re.findall(r"^\s*(?:from|import) (partnergraph(?:\.\w+)*|neo4j|flask)\b", path.read_text(), re.M))


def test_analysis_uses_neither_stores_nor_web_nor_the_cli():
    for path in (PACKAGE / "analysis").glob("*.py"):
        found = imports_of(path)
        assert not {m for m in found if m.split(".")[:2] in (["partnergraph", "store"], ["partnergraph", "services"],
                                                               ["partnergraph", "cli"], ["partnergraph", "io"])}, path
        assert "neo4j" not in found and "flask" not in found, path


def test_stores_and_io_do_not_reach_up_to_services_or_the_cli():
    for folder in ("store", "io"):
        for path in (PACKAGE / folder).glob("*.py"):
            found = imports_of(path)
            assert not any(m.startswith(("partnergraph.services", "partnergraph.cli", "partnergraph.viewer")) for m in found), path
            assert "flask" not in found, path


def test_only_config_reads_the_environment():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "config.py":
            assert "os.environ" not in path.read_text() and "getenv" not in path.read_text(), path
