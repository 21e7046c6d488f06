"""An installed wheel (not only a checkout) carries and finds its Cypher files."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_an_installed_wheel_finds_its_cypher_files(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("partnergraph-*.whl"))
    # Reuse the dependencies installed here; the wheel itself goes into the fresh environment.
    venv.create(tmp_path / "env", system_site_packages=True, with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    code = ("import partnergraph.store.cypher as c, partnergraph; "
            "print(partnergraph.__file__); print(len(c.all_names())); print(c.query('read/get_version').strip())")
    done = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    location, count, statement = done.stdout.splitlines()[:3]
    assert str(tmp_path / "env") in location  # the installed copy, not the checkout
    assert int(count) == len(list((ROOT / "cypher").rglob("*.cypher")))
    assert statement.startswith("OPTIONAL MATCH")
    assert Path(location).parent.joinpath("cypher").is_dir()
