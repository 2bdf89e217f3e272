"""Pages of the reporting plugin (``/t/<tenant>/reporting/...``): one blueprint
(:mod:`.blueprint`) whose routes are in the modules beside it — :mod:`.items` (我的报送,
the item form and page, print), :mod:`.inbox` (收件箱 and a level's decisions) and
:mod:`.incidents` (突发事件 and 漏报), :mod:`.bulletins` (期刊), :mod:`.requests` (约稿), :mod:`.quotas` (任务数),
:mod:`.priorities` (信息要点) and :mod:`.ranking` (积分排名 and 通报).

Forms are loaded through :func:`core.forms.load_form` with the API's schemas and go to
the same services. Reads of what children submitted run in a granted scope (audited);
an item never sent here answers 404 like a missing one.
"""

from __future__ import annotations

from plugins.reporting.views import (  # noqa: F401 - the routes
    bulletins,
    inbox,
    incidents,
    items,
    priorities,
    quotas,
    ranking,
    requests,
)
from plugins.reporting.views.blueprint import bp

__all__ = ["bp"]
