"""Serial numbers: per tenant and year, gapless, and safe when requests race."""

from __future__ import annotations

import threading

from core.db import db
from core.serials import next_serial
from core.tenancy.scope import tenant_scope


def test_serials_count_per_tenant_and_year(app_context, factory):
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")
    with tenant_scope(alpha):
        assert next_serial("XF", year=2026) == "XF-2026-000001"
        assert next_serial("XF", year=2026) == "XF-2026-000002"
        assert next_serial("XF", year=2027) == "XF-2027-000001"
        assert next_serial("DC", year=2026, width=4) == "DC-2026-0001"
    with tenant_scope(beta):
        assert next_serial("XF", year=2026) == "XF-2026-000001"


def test_a_rolled_back_number_is_given_again(app_context, factory):
    alpha = factory.tenant("alpha")
    with tenant_scope(alpha):
        assert next_serial("XF", year=2026) == "XF-2026-000001"
    db.session.commit()
    with tenant_scope(alpha):
        assert next_serial("XF", year=2026) == "XF-2026-000002"
    db.session.rollback()
    with tenant_scope(alpha):
        assert next_serial("XF", year=2026) == "XF-2026-000002"


def test_concurrent_transactions_get_distinct_gapless_numbers(pg_app, pg_factory):
    alpha = pg_factory.tenant("alpha")
    workers, per_worker = 8, 25
    issued: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for i in range(per_worker):
                with pg_app.app_context(), tenant_scope(alpha):
                    serial = next_serial("XF", year=2026)
                    if i % 5 == 4:
                        db.session.rollback()  # this one is given back to the pool
                        continue
                    db.session.commit()
                    with lock:
                        issued.append(serial)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(int(s.rsplit("-", 1)[1]) for s in issued)
    assert len(numbers) == len(set(numbers))  # no duplicates
    assert numbers == list(range(1, len(numbers) + 1))  # no gaps
    assert len(numbers) == workers * per_worker * 4 // 5
