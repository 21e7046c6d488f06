"""The code base keeps its own rules: ruff is clean, and dependencies point one way."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "partnergraph"


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def imports_of(path) -> set[str]:
    """Return the modules a file imports: partnergraph's own, and the libraries that mark a layer."""
    return set(re.findall(r"^\s*(?:from|import) (partnergraph(?:\.\w+)*|neo4j|flask|click|werkzeug)\b",
                          path.read_text(), re.M))


def layer_of(module: str) -> str:
    """Return the layer a partnergraph module belongs to: its first name under the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# What each layer may import of partnergraph (besides itself). Dependencies point one way:
# viewer and cli -> services -> analysis / store / io -> records / schema / model.
ALLOWED = {
    "model": {"schema"},
    "schema": {"model"},
    "records": {"model", "schema"},
    "config": {"model"},
    "analysis": {"model", "schema", "records"},
    "store": {"model", "schema", "records", "config"},
    "io": {"model", "schema", "records", "analysis"},
    "services": {"model", "schema", "records", "config", "analysis", "store", "io"},
    "cli": {"services", "model", "schema", "records", "config", "viewer"},
    "viewer": {"services", "model", "schema", "records", "config"},
}


def package_modules():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).with_suffix("")
        yield path, relative.parts[0] if relative.parts[0] not in ("__init__", "__main__") else ""


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer: str):
    for path, own in package_modules():
        if own != layer:
            continue
        reached = {layer_of(m) for m in imports_of(path) if m.startswith("partnergraph.")} - {layer, ""}
        # `from partnergraph import config` names the module after the package
        reached |= {name for name in re.findall(r"^\s*from partnergraph import (\w+)", path.read_text(), re.M)} - {layer}
        assert reached <= ALLOWED[layer], f"{path.relative_to(ROOT)} imports {sorted(reached - ALLOWED[layer])}"


def test_flask_and_click_stay_in_the_viewer_and_the_cli():
    for path, own in package_modules():
        found = imports_of(path)
        if own != "viewer":
            assert "flask" not in found, f"{path.relative_to(ROOT)} imports flask"
        if own != "cli":
            assert "click" not in found, f"{path.relative_to(ROOT)} imports click"
        if own not in ("store",):
            assert "neo4j" not in found, f"{path.relative_to(ROOT)} imports the neo4j driver"


def test_the_viewer_and_the_cli_never_reach_the_store_through_the_workspace():
    for folder in ("viewer", "cli"):
        for path in (PACKAGE / folder).glob("*.py"):
            assert not re.search(r"\bws\.store\b|workspace\.store\b|\.store\.", path.read_text()), path


def test_only_config_reads_the_environment():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "config.py":
            assert "os.environ" not in path.read_text() and "getenv" not in path.read_text(), path
