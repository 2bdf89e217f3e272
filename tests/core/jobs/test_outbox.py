"""The job outbox on RQ: a job is a row of its own transaction, sent to RQ after the
commit, exactly once however often (and however many processes) drain it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text, update

from core.db import db, utcnow
from core.jobs import enqueue, outbox
from core.jobs.dispatch import JobCall
from core.jobs.models import OutboxJob
from core.serials import next_serial
from tests.core.jobs.helpers import acting, queue_of, serial_value, work_burst
from tests.factories import Factory

TASKS = "tests.core.jobs.tasks"


def _rows(app) -> list[tuple[int, bool]]:
    """(id, sent) of every outbox row, oldest first."""
    with app.app_context():
        rows = db.session.execute(select(OutboxJob.id, OutboxJob.sent_at).order_by(OutboxJob.id))
        found = [(row.id, row.sent_at is not None) for row in rows]
        db.session.rollback()
        return found


def _unsent(app) -> int:
    with app.app_context():
        return outbox.unsent_count()


def test_a_job_is_a_row_of_its_transaction_sent_to_rq_after_the_commit(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    queue = queue_of(rq_app)
    with acting(rq_app, alpha):
        next_serial("OWN")
        enqueue(f"{TASKS}:make_serial", prefix="OB")
        [row] = db.session.scalars(select(OutboxJob)).all()  # in the same transaction
        assert row.call["kwargs"] == {"prefix": "OB"} and row.sent_at is None
        assert queue.count == 0

    [(row_id, sent)] = _rows(rq_app)
    assert sent
    assert queue.job_ids == [f"outbox-{row_id}"]
    work_burst(rq_app)
    assert serial_value(rq_app, alpha, "OB") == 1


def test_a_rolled_back_savepoint_takes_its_job_with_it(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    with acting(rq_app, alpha):
        next_serial("OWN")
        with db.session.begin_nested() as savepoint:
            enqueue(f"{TASKS}:make_serial", prefix="GONE")
            savepoint.rollback()
        enqueue(f"{TASKS}:make_serial", prefix="KEPT")

    [(_id, sent)] = _rows(rq_app)
    assert sent
    [job] = queue_of(rq_app).jobs
    assert job.args[0]["kwargs"] == {"prefix": "KEPT"}


def test_a_job_that_could_not_be_sent_waits_in_the_outbox_for_the_next_drain(rq_app, monkeypatch):
    alpha = Factory(rq_app).tenant("alpha")
    backend = rq_app.extensions["zugong.jobs"]
    real_send = backend.send

    def unreachable(*_args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(backend, "send", unreachable)
    with acting(rq_app, alpha):
        next_serial("OWN")
        enqueue(f"{TASKS}:make_serial", prefix="LATE")  # the commit succeeds all the same
    assert serial_value(rq_app, alpha, "OWN") == 1
    assert queue_of(rq_app).count == 0
    assert _unsent(rq_app) == 1

    monkeypatch.setattr(backend, "send", real_send)
    with rq_app.app_context():
        assert outbox.drain(rq_app) == 1
        assert outbox.drain(rq_app) == 0
    assert queue_of(rq_app).count == 1
    work_burst(rq_app)
    assert serial_value(rq_app, alpha, "LATE") == 1


def test_a_row_sent_by_a_drain_that_died_before_marking_it_is_not_queued_again(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    backend = rq_app.extensions["zugong.jobs"]
    with rq_app.app_context():
        plain = outbox.write(JobCall(f"{TASKS}:make_serial", alpha, None, None, {"prefix": "P"}))
        keyed = outbox.write(
            JobCall(f"{TASKS}:make_serial", alpha, None, None, {"prefix": "K"}, "only-one")
        )
        db.session.commit()
        # The dead drain got as far as RQ: both jobs are queued, neither row is marked.
        for row_id in (plain, keyed):
            [call] = db.session.scalars(select(OutboxJob.call).where(OutboxJob.id == row_id))
            assert backend.send(row_id, JobCall(**call))
        db.session.rollback()

        assert outbox.drain(rq_app) == 2  # marked sent now ...
    assert sorted(queue_of(rq_app).job_ids) == sorted([f"outbox-{plain}", f"t{alpha}-only-one"])
    work_burst(rq_app)
    assert serial_value(rq_app, alpha, "P") == 1  # ... and each ran once
    assert serial_value(rq_app, alpha, "K") == 1


def test_a_row_claimed_by_one_drain_is_skipped_by_another(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    with rq_app.app_context():
        row_id = outbox.write(JobCall(f"{TASKS}:make_serial", alpha, None, None, {}))
        db.session.commit()
        with db.engine.connect() as other:
            other.execute(
                text("SELECT id FROM job_outbox WHERE id = :id FOR UPDATE"), {"id": row_id}
            )
            assert outbox.drain(rq_app) == 0  # skipped, not waited for
            other.rollback()
        assert outbox.drain(rq_app) == 1
    assert queue_of(rq_app).count == 1


def test_sent_rows_are_purged_after_a_week(rq_app):
    alpha = Factory(rq_app).tenant("alpha")
    with acting(rq_app, alpha):
        next_serial("OWN")
        enqueue(f"{TASKS}:make_serial")
    with rq_app.app_context():
        assert outbox.purge_sent() == 0  # sent just now
        db.session.execute(update(OutboxJob).values(sent_at=utcnow() - timedelta(days=8)))
        assert outbox.purge_sent() == 1
        db.session.commit()
    assert _rows(rq_app) == []
