"""The README commands on a fresh machine: without ODOO_SRC they fetch Odoo 18.0
themselves (scripts/lib.sh, fetch_odoo_src), reuse it on later runs, and say what
to do when it cannot be fetched.

A local bare repository stands in for odoo/odoo on GitHub (MINDX_ODOO_REPO): an
18.0 branch holding what lib.sh checks of an Odoo tree (odoo-bin, release.py).
"""

import os
import subprocess

import pytest

LIB_SH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "lib.sh"
)
RELEASE = "version_info = (18, 0, 0, FINAL, 0, '')\n"


def _git(*args, cwd=None):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture
def fake_remote(tmp_path):
    """A bare repository with an 18.0 branch that looks like Odoo's tree."""
    work = tmp_path / "work"
    (work / "odoo").mkdir(parents=True)
    (work / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (work / "odoo-bin").chmod(0o755)
    (work / "odoo" / "release.py").write_text(RELEASE)
    _git("init", "-q", "-b", "18.0", cwd=work)
    _git("add", ".", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "18.0", cwd=work)
    bare = tmp_path / "odoo.git"
    _git("clone", "-q", "--bare", str(work), str(bare))
    return bare


def _require_odoo_src(tmp_path, repo):
    """Run lib.sh's require_odoo_src as a README command would, without ODOO_SRC."""
    env = {key: value for key, value in os.environ.items() if key != "ODOO_SRC"}
    env.update(MINDX_ODOO_REPO=str(repo), MINDX_ODOO_DIR=str(tmp_path / "odoo-18.0"))
    return _run_lib_sh(env)


def _run_lib_sh(env):
    """lib.sh's require_odoo_src in `env`; it prints the ODOO_SRC it settled on."""
    return subprocess.run(
        [
            "bash",
            "-c",
            f'source "{LIB_SH}"; require_odoo_src; echo "ODOO_SRC=$ODOO_SRC"',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fetches_odoo_once_then_reuses_it(tmp_path, fake_remote):
    first = _require_odoo_src(tmp_path, f"file://{fake_remote}")
    assert first.returncode == 0, first.stderr
    assert "fetching Odoo 18.0" in first.stderr
    assert f"ODOO_SRC={tmp_path / 'odoo-18.0'}" in first.stdout
    assert (tmp_path / "odoo-18.0" / "odoo-bin").exists()
    # shallow, the 18.0 branch only
    depth = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"],
        cwd=tmp_path / "odoo-18.0",
        capture_output=True,
        text=True,
        check=True,
    )
    assert depth.stdout.strip() == "1"
    second = _require_odoo_src(tmp_path, "file:///nowhere/no-such-repo.git")
    assert second.returncode == 0, second.stderr
    assert "fetched earlier" in second.stderr
    assert "fetching" not in second.stderr


def test_unreachable_remote_says_how_to_provide_odoo(tmp_path):
    result = _require_odoo_src(tmp_path, f"file://{tmp_path}/no-such-repo.git")
    assert result.returncode != 0
    assert "could not fetch Odoo 18.0" in result.stderr
    assert "export ODOO_SRC=" in result.stderr
    assert not (tmp_path / "odoo-18.0").exists()
    assert not list(tmp_path.glob("odoo-18.0.partial*"))


def test_an_unrelated_folder_is_never_overwritten(tmp_path, fake_remote):
    (tmp_path / "odoo-18.0").mkdir()
    (tmp_path / "odoo-18.0" / "notes.txt").write_text("mine")
    result = _require_odoo_src(tmp_path, f"file://{fake_remote}")
    assert result.returncode != 0
    assert "holds no Odoo 18.0 tree" in result.stderr
    assert (tmp_path / "odoo-18.0" / "notes.txt").read_text() == "mine"


def test_odoo_src_wins_when_set(tmp_path, fake_remote):
    tree = tmp_path / "my-odoo"
    _git("clone", "-q", str(fake_remote), str(tree))
    env = dict(os.environ, ODOO_SRC=str(tree), MINDX_ODOO_REPO="file:///nowhere.git")
    result = _run_lib_sh(env)
    assert result.returncode == 0, result.stderr
    assert f"ODOO_SRC={tree}" in result.stdout
    assert "fetching" not in result.stderr
