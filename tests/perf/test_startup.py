"""Start-up imports only what every process needs (issue 14): the spreadsheet and
document libraries (openpyxl, python-docx, docxtpl and their lxml) load when a file is
written or read, the Redis client only when
Redis is configured. A fresh interpreter is asked, since this one has imported all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("openpyxl", "docx", "docxtpl", "lxml", "redis", "redis.asyncio")

_PROBE = """
import json, sys
from core.app import create_app
create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None})
print(json.dumps(sorted(m for m in %r if m in sys.modules)))
"""


def test_create_app_leaves_the_file_libraries_unimported(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZUGONG_INSTANCE_PATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE % (LAZY,)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
