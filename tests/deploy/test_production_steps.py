"""The production steps as written: roles.sql runs with names of your own, and the
README's commands agree with the systemd units and the configuration they read."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core.config import load_config
from tests import services

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "deploy" / "postgres" / "roles.sql"
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def production_commands() -> list[str]:
    """The README's production shell block, one command a line (continuations joined)."""
    section = README.split("## Production", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def sql_without_comments() -> str:
    return "\n".join(line.split("--", 1)[0] for line in ROLES_SQL.read_text().splitlines())


# -- roles.sql --------------------------------------------------------------------------


def test_roles_sql_takes_its_names_as_psql_variables_defaulting_to_the_apps():
    sql = sql_without_comments()
    defaults = dict(re.findall(r"\\set (\w+) (\w+)", sql))
    defaults.pop("ON_ERROR_STOP")
    assert defaults == {
        "owner_role": "zugong_owner",
        "app_role": load_config()["APP_DB_ROLE"],
        "db_name": "zugong",
    }
    body = re.sub(r"\\set \w+ \w+", "", sql)
    assert not re.search(r"\bzugong(_app|_owner)?\b", body), "a name is hard-coded"


def psql(*args: str) -> subprocess.CompletedProcess[str]:
    parts = urlsplit(services.PG_OWNER_URL.replace("postgresql+psycopg", "postgresql"))
    command = ["psql", "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username]
    return subprocess.run(
        [*command, "-d", "postgres", "-X", "-q", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def query(sql: str) -> str:
    result = psql("-tA", "-c", sql)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def scratch_names():
    """Role and database names of this run only, dropped afterwards (roles are cluster-wide)."""
    services.require(services.PG_OWNER_URL, "PostgreSQL")
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    suffix = uuid.uuid4().hex[:8]
    names = {
        "owner_role": f"zg_t_owner_{suffix}",
        "app_role": f"zg_t_app_{suffix}",
        "db_name": f"zg_t_db_{suffix}",
    }
    yield names
    psql("-c", f'DROP DATABASE IF EXISTS "{names["db_name"]}"')
    psql("-c", f'DROP ROLE IF EXISTS "{names["app_role"]}"')
    psql("-c", f'DROP ROLE IF EXISTS "{names["owner_role"]}"')


def run_roles_sql(names: dict[str, str], **passwords: str) -> subprocess.CompletedProcess[str]:
    variables = {**names, **passwords}
    args = [arg for key, value in variables.items() for arg in ("-v", f"{key}={value}")]
    return psql("-v", "ON_ERROR_STOP=1", *args, "-f", str(ROLES_SQL))


def test_roles_sql_creates_the_named_roles_and_database_and_runs_again(scratch_names):
    test_roles_sql_takes_its_names_as_psql_variables_defaulting_to_the_apps()
    owner, app, database = (scratch_names[k] for k in ("owner_role", "app_role", "db_name"))
    for _ in range(2):  # the second run alters what the first created
        result = run_roles_sql(scratch_names, owner_password="o-secret", app_password="it's")
        assert result.returncode == 0, result.stderr
    roles = query(
        "SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles"
        f" WHERE rolname IN ('{owner}', '{app}') ORDER BY rolname"
    )
    assert roles.splitlines() == [f"{app}|f|f|t", f"{owner}|f|t|t"]
    assert (
        query(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{database}'")
        == owner
    )
    assert (
        query(
            f"SELECT has_database_privilege('{app}', '{database}', 'CONNECT'),"
            f" has_database_privilege('{app}', '{database}', 'CREATE')"
        )
        == "t|f"
    )


def test_roles_sql_refuses_to_run_without_the_passwords(scratch_names):
    result = run_roles_sql(scratch_names, owner_password="o-secret")
    assert result.returncode != 0
    assert "app_password" in result.stdout + result.stderr
    assert (
        query(f"SELECT count(*) FROM pg_roles WHERE rolname = '{scratch_names['app_role']}'") == "0"
    )


# -- the README's steps -----------------------------------------------------------------


def test_the_readme_calls_roles_sql_with_passwords_and_names():
    [call] = [c for c in production_commands() if "roles.sql" in c]
    for variable in ("owner_password", "app_password", "owner_role", "app_role", "db_name"):
        assert f"-v {variable}=" in call, variable
    assert "ON_ERROR_STOP=1" in call


def test_the_readme_installs_what_the_units_use():
    commands = production_commands()
    script = "\n".join(commands)
    created = [c for c in commands if c.startswith("install -d") and c.endswith("/etc/zugong")]
    assert created, "/etc/zugong is never created"
    assert script.index("install -d -m 0750 -o root -g zugong /etc/zugong") < script.index(
        "/etc/zugong/zugong.env"
    )
    for unit in UNITS:
        text = unit.read_text()
        for path in re.findall(r"^EnvironmentFile=(/\S+)", text, re.M):
            assert path in script, (unit.name, path)
        executable = re.search(r"^ExecStart=(\S+)", text, re.M)[1]
        venv = executable.rsplit("/bin/", 1)[0]
        assert f"-m venv {venv} " in script, (unit.name, venv)
        config = re.search(r"--config (\S+)", text)
        if config:
            assert config[1] in script, (unit.name, config[1])
        assert "useradd --system" in script and "User=zugong" in text


def test_every_zugong_command_in_the_readme_loads_the_env_file():
    for command in production_commands():
        words = command.split()
        assert words[0] not in ("zugong", "gunicorn"), f"runs without the env file: {command}"
    helper = next(c for c in production_commands() if c.startswith("zugong_cli()"))
    assert ". /etc/zugong/zugong.env" in helper and "set -a" in helper


def test_the_readme_says_what_production_needs():
    assert "`ZUGONG_BIND`" in README
    assert "TLS" in README.split("## Production", 1)[1] and "Secure" in README
    assert "demo password" in README
