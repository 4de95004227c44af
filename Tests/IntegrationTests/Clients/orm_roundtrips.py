"""Round-trip waste of real ORMs for orm_workloads.py (the seed audits' "3 COUNTs that should be one" and
"9 sequential KPI queries"), each with a clean twin; see orm_workloads.py's docstring for the ground truth.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import orm_sqlalchemy
from orm_common import Recorder
from orm_sqlalchemy import Analysis, Author, Book, Channel, Item, Message, Order, Product, User

REQUESTS = 3


def sa_counts(session):
    """Query.count() three times on orm_analyses, each with another filter (a dashboard's tiles)."""
    query = session.query(Analysis)
    return [query.count(), query.filter(Analysis.score >= 70).count(), query.filter(Analysis.message_id <= 5).count()]


def sa_counts_clean(session):
    """The same three numbers in one statement, count(*) FILTER (WHERE ...) per tile."""
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Analysis.score >= 70),
            func.count().filter(Analysis.message_id <= 5),
        ).select_from(Analysis)
    ).one()
    return list(row)


KPI_TABLES = [Author, Book, Order, Item, Product, User, Message, Channel]


def sa_kpis(session):
    """Nine KPI numbers, one statement each, none using another's result (a dashboard's header)."""
    values = [session.scalar(select(func.count()).select_from(model)) for model in KPI_TABLES]
    values.append(session.scalar(select(func.max(Analysis.score))))
    return values


def sa_kpis_clean(session):
    """The nine numbers in one statement of scalar subqueries."""
    columns = [select(func.count()).select_from(model).scalar_subquery() for model in KPI_TABLES]
    columns.append(select(func.max(Analysis.score)).scalar_subquery())
    return list(session.execute(select(*columns)).one())


BODIES = {
    "rt-sa-counts": sa_counts,
    "rt-sa-counts-clean": sa_counts_clean,
    "rt-sa-kpis": sa_kpis,
    "rt-sa-kpis-clean": sa_kpis_clean,
}


def run(mode, dsn, application):
    """SQLAlchemy 2 on psycopg2: REQUESTS requests, each a Session (its transaction ended by the pool's
    ROLLBACK) running the mode's body; returns the mode's result object."""
    recorder = Recorder()
    engine = orm_sqlalchemy.engine_for("psycopg2", dsn, application, recorder)
    lookups = []
    for _ in range(REQUESTS):
        recorder.begin()
        with Session(engine) as session:
            lookups.append(BODIES[mode](session))
    engine.dispose()
    return {"requests": len(recorder.requests), "lookups": lookups, "sent": recorder.summary()}
