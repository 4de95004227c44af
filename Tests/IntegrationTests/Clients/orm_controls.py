"""Driver-level workloads and negative controls for orm_workloads.py (psycopg 3 pipeline mode, psycopg2
executemany, SQLAlchemy sessions that must not be taken for an N+1); see orm_workloads.py's docstring for
each mode's ground truth.
"""
import psycopg
import psycopg2
from sqlalchemy import select
from sqlalchemy.orm import Session

import orm_sqlalchemy
from orm_common import Recorder

PIPELINE_PARENT = "SELECT id, name FROM orm_users WHERE id <= %b ORDER BY id"
PIPELINE_CHILD = "SELECT id, bio FROM orm_profiles WHERE user_id = %b"
AUTHORS = "SELECT id, name FROM orm_authors ORDER BY id"
EVENT = "INSERT INTO orm_events (kind, payload) VALUES (%s, %s)"
SETTING = "SELECT key, value FROM orm_settings WHERE key = %s"
SIX = [
    ("SELECT id, name FROM orm_users WHERE id = %s", 701),
    ("SELECT key, value FROM orm_settings WHERE key = %s", "theme"),
    ("SELECT id, name FROM orm_channels WHERE id = %s", 402),
    ("SELECT id, name FROM orm_products WHERE id = %s", 203),
    ("SELECT id, customer FROM orm_orders WHERE id = %s", 4),
    ("SELECT id, body FROM orm_messages WHERE id = %s", 5),
]


def pipeline(dsn, application, recorder):
    """psycopg 3, binary parameters and results: 3 requests, each a transaction with users 701..725,
    then the 25 users' profiles looked up in one pipeline."""
    lookups = []
    with psycopg.connect(dsn, application_name=application) as conn:
        for _ in range(3):
            recorder.begin()
            with conn.transaction():
                users = conn.cursor(binary=True).execute(PIPELINE_PARENT, (725,)).fetchall()
                recorder.sent(PIPELINE_PARENT)
                with conn.pipeline():
                    cursors = [conn.cursor(binary=True).execute(PIPELINE_CHILD, (uid,)) for uid, _ in users]
                    recorder.sent(PIPELINE_CHILD, len(cursors))
                lookups.append(len([cursor.fetchone() for cursor in cursors]))
    return lookups


def executemany(dsn, application, recorder):
    """psycopg2: 3 requests, each a transaction listing the 12 authors, then one event per author with
    executemany (psycopg2 sends one literal INSERT per row)."""
    conn = psycopg2.connect(dsn, application_name=application)
    lookups = []
    for request in range(3):
        recorder.begin()
        with conn, conn.cursor() as cur:
            cur.execute(AUTHORS)
            recorder.sent(AUTHORS)
            rows = [("visit", author_id * 100 + request) for author_id, _ in cur.fetchall()]
            cur.executemany(EVENT, rows)
            recorder.sent(EVENT, len(rows))
            lookups.append(len(rows))
    conn.close()
    return lookups


def duplicate(dsn, application, recorder):
    """psycopg 3 (server-side parameters; prepared from the 5th execution on): 3 requests, each a
    transaction with the authors, then the same setting 6 times with the same key."""
    lookups = []
    with psycopg.connect(dsn, application_name=application) as conn:
        for _ in range(3):
            recorder.begin()
            with conn.transaction():
                conn.execute(AUTHORS).fetchall()
                recorder.sent(AUTHORS)
                values = {conn.execute(SETTING, ("theme",)).fetchone()[1] for _ in range(6)}
                recorder.sent(SETTING, 6)
                lookups.append(len(values))
    return lookups


def six_lookups(dsn, application, recorder):
    """psycopg 3: 3 requests, each a transaction with the authors, then six different single lookups."""
    lookups = []
    with psycopg.connect(dsn, application_name=application) as conn:
        for _ in range(3):
            recorder.begin()
            with conn.transaction():
                conn.execute(AUTHORS).fetchall()
                recorder.sent(AUTHORS)
                for sql, value in SIX:
                    conn.execute(sql, (value,)).fetchone()
                    recorder.sent(sql)
                lookups.append(len(SIX))
    return lookups


def auth(dsn, application, recorder):
    """SQLAlchemy on psycopg2: 30 requests, each a transaction (session.begin()) that looks up the
    session's user by token, then lists the first author's books."""
    engine = orm_sqlalchemy.engine_for("psycopg2", dsn, application, recorder)
    lookups = []
    for request in range(30):
        recorder.begin()
        with Session(engine) as session, session.begin():
            user = session.scalars(
                select(orm_sqlalchemy.User).where(orm_sqlalchemy.User.token == f"tok-{701 + request}")
            ).one()
            books = session.scalars(select(orm_sqlalchemy.Book).where(orm_sqlalchemy.Book.author_id == 1)).all()
            lookups.append(user.id + len(books))
    engine.dispose()
    return lookups


def settings(dsn, application, recorder):
    """SQLAlchemy on psycopg2: 4 requests, each a session that lists the authors and then reads 3
    settings with session.get (3 different keys)."""
    engine = orm_sqlalchemy.engine_for("psycopg2", dsn, application, recorder)
    lookups = []
    for _ in range(4):
        recorder.begin()
        with Session(engine) as session:
            session.scalars(select(orm_sqlalchemy.Author)).all()
            found = [session.get(orm_sqlalchemy.Setting, key) for key in ("theme", "locale", "currency")]
            lookups.append(len(found))
    engine.dispose()
    return lookups


MODES = {
    "pg-pipeline-binary": pipeline,
    "ctl-executemany": executemany,
    "ctl-duplicate": duplicate,
    "ctl-six-lookups": six_lookups,
    "ctl-auth": auth,
    "ctl-settings": settings,
}


def run(mode, dsn, application):
    """Runs one mode; returns its result object."""
    recorder = Recorder()
    lookups = MODES[mode](dsn, application, recorder)
    return {"requests": len(recorder.requests), "lookups": lookups, "sent": recorder.summary()}
