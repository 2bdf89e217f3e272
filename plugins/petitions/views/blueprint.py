"""The petitions page blueprint, on which the route modules beside it register; the
plugin's templates (``plugins/petitions/templates``) are found through it."""

from __future__ import annotations

from pathlib import Path

from core.routing import tenant_blueprint

bp = tenant_blueprint("petitions", __name__, kind="pages", plugin="petitions", prefix="/petitions")
bp.template_folder = str(Path(__file__).resolve().parent.parent / "templates")
