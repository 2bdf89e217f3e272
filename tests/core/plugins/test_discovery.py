"""A plugin installed with pip is found through the ``zugong.plugins`` entry point, exactly
like the built-in ones: discovered, enabled for one tenant, absent for another."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = """
from flask import g
from core.plugins import hookimpl
from core.plugins.types import PluginMeta
from core.routing import tenant_blueprint

bp = tenant_blueprint("throwaway", __name__, kind="pages", plugin="throwaway", prefix="/throwaway")


@bp.get("/")
def index():
    return "throwaway for " + g.tenant.slug


@hookimpl
def zugong_plugin_meta():
    return PluginMeta("throwaway", "临时插件", "Throwaway", "0.0.1")


@hookimpl
def zugong_blueprints():
    return [bp]
"""

PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "zugong-throwaway"
version = "0.0.1"

[project.entry-points."zugong.plugins"]
throwaway = "zugong_throwaway.plugin"

[tool.setuptools]
packages = ["zugong_throwaway"]
"""

# Runs in a fresh interpreter, so entry points are read from the environment anew.
SCRIPT = """
import json, sys
from core.app import create_app
from core.migrate import upgrade
from tests.factories import Factory, login

url = "sqlite:///" + sys.argv[1]
app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": sys.argv[2],
                  "SQLALCHEMY_DATABASE_URI": url, "OWNER_DATABASE_URL": url, "REDIS_URL": None})
upgrade(app)
factory = Factory(app)
factory.tenant("alpha", plugins=["throwaway"])
factory.tenant("beta")
factory.user("alpha", "alice")
factory.user("beta", "bob")
alice, bob = app.test_client(), app.test_client()
login(alice, "alice")
login(bob, "bob")
listing = app.test_cli_runner().invoke(args=["plugins", "list"]).output
print(json.dumps({
    "listed": [line for line in listing.splitlines() if line.startswith("throwaway")],
    "alpha": [alice.get("/t/alpha/throwaway/").status_code, alice.get("/t/alpha/throwaway/").get_data(as_text=True)],
    "beta": bob.get("/t/beta/throwaway/").status_code,
}))
"""


@pytest.fixture
def installed(tmp_path):
    package = tmp_path / "src"
    (package / "zugong_throwaway").mkdir(parents=True)
    (package / "zugong_throwaway" / "__init__.py").write_text("")
    (package / "zugong_throwaway" / "plugin.py").write_text(textwrap.dedent(PLUGIN))
    (package / "pyproject.toml").write_text(PYPROJECT)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", str(package)], check=True)
    yield
    subprocess.run([*pip, "uninstall", "-y", "zugong-throwaway"], check=True)


def test_a_pip_installed_plugin_is_discovered_and_enabled_per_tenant(installed, tmp_path):
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "db.sqlite"), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["listed"] == ["throwaway\t0.0.1\t临时插件\talpha"]
    assert report["alpha"] == [200, "throwaway for alpha"]
    assert report["beta"] == 404
