"""Properties of the ledger under any sequence of operations (hypothesis), and under
payments racing each other on PostgreSQL."""

from __future__ import annotations

import contextlib
import threading
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.assistance import models
from plugins.assistance.models import FundAccount, Posting
from plugins.assistance.queries import fund as fund_queries
from plugins.assistance.services import fund as fund_service
from plugins.assistance.services.fund import LedgerError

from .conftest import LEADER_PERMISSIONS

amounts = st.integers(min_value=1, max_value=50_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.sampled_from(sorted(models.SOURCES)), amounts),
        st.tuples(
            st.just("spend"),
            st.sampled_from(sorted(c for c in models.SPENDING if c != "expense_writeoff")),
            amounts,
            st.sampled_from(["auto", "dues", "general"]),
        ),
        st.tuples(st.just("lend"), amounts),
        st.tuples(st.just("repay"), amounts),
        st.tuples(st.just("write_off"), amounts),
        st.tuples(st.just("dues_loan"), amounts),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=1_000)),
    ),
    max_size=25,
)
_slugs = count()


def _apply(op: tuple, actor: Actor) -> None:
    kind = op[0]
    approval = fund_service.approve(kind, 0, actor)
    if kind == "receive":
        fund_service.receive(op[1], op[2], approval, actor)
    elif kind == "spend":
        fund_service.spend(op[1], op[2], approval, actor, funding=op[3])
    elif kind == "lend":
        fund_service.lend(op[1], approval, actor, None, "借款")
    elif kind == "repay":
        fund_service.repay(op[1], approval, actor, None, "还款")
    elif kind == "write_off":
        fund_service.write_off(op[1], approval, actor, None, "核销")
    elif kind == "dues_loan":
        fund_service.post("loans_receivable", "cash_dues", op[1], approval, actor)
    else:
        postings = list(db.session.scalars(select(Posting).order_by(Posting.id)))
        if postings:
            fund_service.reverse(postings[op[1] % len(postings)], approval, actor)


def _signed_sums() -> dict[int, int]:
    """Each account's balance recomputed from the postings alone."""
    kinds = dict(db.session.execute(select(FundAccount.id, FundAccount.kind)).all())
    sums = dict.fromkeys(kinds, 0)
    for debit, credit, amount in db.session.execute(
        select(Posting.debit_account_id, Posting.credit_account_id, Posting.amount_fen)
    ):
        sums[debit] += amount if kinds[debit] in ("asset", "expense") else -amount
        sums[credit] += -amount if kinds[credit] in ("asset", "expense") else amount
    return sums


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_sequence_keeps_balances_non_negative_and_statements_reconciled(
    app_context, factory, ops
):
    slug = f"prop{next(_slugs)}"
    tenant_id = factory.tenant(slug, plugins=["assistance"])
    person = factory.user(slug, f"u_{slug}", roles=())
    with tenant_scope(tenant_id):
        try:
            _check_sequence(ops, person)
        finally:
            db.session.rollback()


def _check_sequence(ops, person) -> None:
    actor = Actor(user=db.session.get(User, person.user_id), permissions=LEADER_PERMISSIONS)
    fund_service.ensure_accounts()
    for op in ops:
        with contextlib.suppress(LedgerError):
            _apply(op, actor)
        balances = {a.code: a.balance_fen for a in fund_queries.accounts().values()}
        assert all(b >= 0 for b in balances.values()), balances
    # Stored balances equal the postings; the statement equals both.
    sums = _signed_sums()
    statement = fund_queries.statement()
    for account in fund_queries.accounts().values():
        assert account.balance_fen == sums[account.id]
        assert statement.line(account.code).closing_fen == account.balance_fen
    # Double entry: debits equal credits; the fund is sources in minus money out.
    assert sum(line.debit_fen for line in statement.lines) == sum(
        line.credit_fen for line in statement.lines
    )
    income = sum(line.closing_fen for line in statement.income_lines)
    spent = sum(line.closing_fen for line in statement.spending_lines)
    assert statement.fund_balance_fen + statement.line("loans_receivable").closing_fen == (
        income - spent
    )
    # Dues money never reached a loan.
    dues = fund_queries.accounts()["cash_dues"].id
    receivable = fund_queries.accounts()["loans_receivable"].id
    assert not db.session.scalar(
        select(func.count(Posting.id)).where(
            Posting.credit_account_id == dues, Posting.debit_account_id == receivable
        )
    )


def test_concurrent_payments_never_overspend(pg_app, pg_factory):
    """Twelve payments of 100 元 race for 350 元: exactly three pass, none overspends."""
    tenant_id = pg_factory.tenant("race", plugins=["assistance"])
    person = pg_factory.user("race", "cashier", roles=())
    with pg_app.app_context(), tenant_scope(tenant_id):
        actor = Actor(user=db.session.get(User, person.user_id), permissions=LEADER_PERMISSIONS)
        approval = fund_service.approve("receipt", 35_000, actor)
        fund_service.receive("fiscal", 35_000, approval, actor)
        db.session.commit()

    threads_n = 12
    barrier = threading.Barrier(threads_n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pay() -> None:
        with pg_app.app_context(), tenant_scope(tenant_id):
            actor = Actor(user=db.session.get(User, person.user_id), permissions=LEADER_PERMISSIONS)
            approval = fund_service.approve("grant", 10_000, actor)
            fund_queries.accounts()  # make sure each thread has read the balance before racing
            barrier.wait()
            try:
                fund_service.spend("expense_living", 10_000, approval, actor, funding="general")
                db.session.commit()
                result = "paid"
            except LedgerError:
                db.session.rollback()
                result = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=pay) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["paid"] * 3 + ["refused"] * 9
    with pg_app.app_context(), tenant_scope(tenant_id):
        accounts = fund_queries.accounts()
        assert accounts["cash_general"].balance_fen == 5_000
        assert accounts["expense_living"].balance_fen == 30_000
        paid = db.session.scalar(
            select(func.sum(Posting.amount_fen)).where(
                Posting.debit_account_id == accounts["expense_living"].id
            )
        )
        assert paid == 30_000
