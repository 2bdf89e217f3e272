"""The supervision pages' one blueprint (``/t/<tenant>/supervision/...``) and the
small helpers every page module uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.routing import tenant_blueprint
from plugins.supervision import permissions
from plugins.supervision.workflow import ITEM_FLOW

bp = tenant_blueprint(
    "supervision", __name__, kind="pages", plugin="supervision", prefix="/supervision"
)
bp.template_folder = str(Path(__file__).parent.parent / "templates")

MOVES = {t.name for t in ITEM_FLOW.transitions}


@bp.context_processor
def _permissions() -> dict[str, Any]:
    # Templates test permissions by the same constants as the code: perm.ASSIGN.
    return {"perm": permissions}


def choices_of(mapping: dict[str, str]) -> list[tuple[str, str, bool]]:
    return [(key, _(title), False) for key, title in mapping.items()]


def form_errors(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(messages)
