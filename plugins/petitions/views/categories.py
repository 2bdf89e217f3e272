"""The tenant's own taxonomy of petition problems (问题类别), page by page: the tree,
adding, renaming, moving, switching off and deleting a category; permission
``petitions.manage_categories``, the same checks as the API."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.forms import as_typed, load_form
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.petitions.permissions import MANAGE_CATEGORIES, VIEW
from plugins.petitions.presenters import category_options
from plugins.petitions.queries import categories
from plugins.petitions.schemas.categories import (
    CategoryActiveForm,
    CategoryMoveForm,
    PetitionCategoryForm,
)
from plugins.petitions.services import categories as taxonomy
from plugins.petitions.views.blueprint import bp


def _categories_page(
    form: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    editing: int | None = None,
):
    return render_template(
        "petitions/categories.html",
        tree=categories.category_tree(include_inactive=True),
        parent_options=category_options(active_only=False),
        form=form or {},
        errors=errors or {},
        editing=editing,
        can_manage=g.actor.can(MANAGE_CATEGORIES),
    ), status


@bp.get("/categories")
def category_list():
    require_permission(VIEW)
    return _categories_page()


@bp.post("/categories")
def category_create():
    require_permission(MANAGE_CATEGORIES)
    data, errors = load_form(PetitionCategoryForm())
    if not errors:
        try:
            created = taxonomy.create_category(data)
        except ValidationError as exc:
            errors = localize(
                exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            )
        else:
            flash(_("已新增类别“%(name)s”。", name=created.name), "success")
            return redirect(url_for(".category_list"))
    return _categories_page(as_typed(PetitionCategoryForm()), errors, 422)


@bp.post("/categories/<int:category_id>")
def category_update(category_id: int):
    require_permission(MANAGE_CATEGORIES)
    found = categories.category_or_404(category_id)
    data, errors = load_form(PetitionCategoryForm())
    if not errors:
        changes = {k: data.get(k) for k in ("name", "parent_id", "sort_order")}
        try:
            taxonomy.update_category(found, changes)
        except ValidationError as exc:
            errors = localize(
                exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            )
        else:
            flash(_("已保存类别“%(name)s”。", name=found.name), "success")
            return redirect(url_for(".category_list"))
    return _categories_page(as_typed(PetitionCategoryForm()), errors, 422, editing=category_id)


@bp.post("/categories/<int:category_id>/move")
def category_move(category_id: int):
    require_permission(MANAGE_CATEGORIES)
    found = categories.category_or_404(category_id)
    data, errors = load_form(CategoryMoveForm())
    if errors:
        return _categories_page(errors={"_": errors["direction"]}, status=422)
    taxonomy.move_category(found, data["direction"])
    return redirect(url_for(".category_list"))


@bp.post("/categories/<int:category_id>/active")
def category_active(category_id: int):
    require_permission(MANAGE_CATEGORIES)
    found = categories.category_or_404(category_id)
    data, errors = load_form(CategoryActiveForm())
    if errors:
        return _categories_page(errors={"_": errors["is_active"]}, status=422)
    active = data["is_active"]
    taxonomy.update_category(found, {"is_active": active})
    if active:
        flash(_("已启用类别“%(name)s”。", name=found.name), "success")
    else:
        flash(_("已停用类别“%(name)s”。", name=found.name), "success")
    return redirect(url_for(".category_list"))


@bp.post("/categories/<int:category_id>/delete")
def category_delete(category_id: int):
    require_permission(MANAGE_CATEGORIES)
    found = categories.category_or_404(category_id)
    name = found.name
    try:
        taxonomy.delete_category(found)
    except WorkflowError as exc:
        flash(exc.message, "error")
    else:
        flash(_("已删除类别“%(name)s”。", name=name), "success")
    return redirect(url_for(".category_list"))
