"""Every operation of the OpenAPI document, driven by schemathesis from the document
itself: valid-looking requests as the document describes them, with a seeded tenant's
bearer token, never answer 5xx, and every answer matches the response the document
declares. (tests/fuzz/test_api_inputs.py feeds hostile input instead; this checks that
the document and the routes agree.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from core.db import db
from core.demo import first_start
from core.documents.services import declared
from core.plugins import enablement
from core.tenancy.models import Tenant
from tests.factories import Factory, bearer

TENANT = "demo-county-a"
#: Per operation: with about 170 operations this keeps the run within minutes on 2 cores.
EXAMPLES = 4
#: Path ids are drawn from here, where the demo data's rows are, so operations reach real
#: records (random ids only ever answer 404).
SEEDED_IDS = {"minimum": 1, "maximum": 60}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def seeded(pg_app):
    """The demo tenants with their demo data, every plugin enabled in one of them, and a
    token of a user there holding every role."""
    plugins = pg_app.extensions["zugong.plugins"]
    with pg_app.app_context():
        first_start(pg_app)
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        for name in plugins.names:
            enablement.enable(tenant, name)
        db.session.commit()
        db.session.remove()
    factory = Factory(pg_app)
    roles = ["admin", *sorted({r.key for n in plugins.names for r in plugins.default_roles(n)})]
    return pg_app, factory.token(factory.user(TENANT, "schemathesis", roles=roles))


def _aimed(document: dict, names: list[str]) -> dict:
    """The document with its path parameters aimed at what exists: integer ids in
    :data:`SEEDED_IDS`, names among the plugins' and templates' (the tenant is fixed)."""
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path" or parameter["name"] == "tenant":
                    continue
                if parameter["schema"]["type"] == "integer":
                    parameter["schema"].update(SEEDED_IDS)
                else:
                    parameter["schema"]["enum"] = names
    return document


def operations(app, edit=lambda document: document):
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT))
        names = sorted({"core", *app.extensions["zugong.plugins"].names, *declared(tenant)})
        db.session.remove()
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(edit(_aimed(document, names)))
    schema.app = app
    found = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    broken = [result.err() for result in schema.get_all_operations() if not isinstance(result, Ok)]
    assert not broken, broken
    return found


def test_every_operation_answers_as_documented(seeded):
    app, token = seeded
    found = operations(app)
    assert len(found) > 50
    failures: list[str] = []
    for operation in found:
        _exercise(operation, token, failures)
    assert not failures, "\n\n".join(failures)


def _exercise(operation, token: str, failures: list[str]) -> None:
    strategy = operation.as_strategy(path_parameters={"tenant": TENANT})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=bearer(token), checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # one error naming the failed checks
        failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])


def test_an_answer_unlike_the_document_is_reported(seeded):
    """The checks are live: declare ``me``'s membership id a string and the run must fail."""
    app, token = seeded

    def misdeclared(document: dict) -> dict:
        ok = document["paths"]["/api/v1/t/{tenant}/me"]["get"]["responses"]["200"]
        name = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        document["components"]["schemas"][name]["properties"]["membership_id"] = {"type": "string"}
        return document

    [me] = [op for op in operations(app, misdeclared) if op.path == "/api/v1/t/{tenant}/me"]
    failures: list[str] = []
    _exercise(me, token, failures)
    assert failures and "membership_id" in failures[0]
