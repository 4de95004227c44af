"""asyncio workloads for orm_workloads.py: SQLAlchemy's AsyncSession on asyncpg, and a raw asyncpg pool;
see orm_workloads.py's docstring for each mode's ground truth.
"""
import asyncio

import asyncpg
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import selectinload

import orm_sqlalchemy
from orm_common import Recorder, conninfo_dict

PARENT = "SELECT id, author_id FROM orm_books WHERE id <= $1 ORDER BY id"
CHILD = "SELECT id, name FROM orm_authors WHERE id = $1"
CLEAN = "SELECT id, name FROM orm_authors WHERE id = ANY($1::int[])"
REQUESTS = 3


def connect_arguments(dsn, application):
    """asyncpg's keyword arguments for a libpq connection string."""
    words = conninfo_dict(dsn)
    return {
        "host": words["host"],
        "port": int(words["port"]),
        "user": words["user"],
        "password": words.get("password"),
        "database": words["dbname"],
        "ssl": False,
        "server_settings": {"application_name": application},
    }


async def sqlalchemy_asyncpg(dsn, application, clean, recorder):
    """Each request an AsyncSession: every author, then `await author.awaitable_attrs.books` for each
    (or one selectinload)."""
    words = connect_arguments(dsn, application)
    engine = create_async_engine(
        "postgresql+asyncpg://",
        connect_args={key: words[key] for key in ("host", "port", "user", "password", "database", "ssl")}
        | {"server_settings": words["server_settings"]},
    )

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        recorder.sent(statement)

    lookups = []
    for _ in range(REQUESTS):
        recorder.begin()
        async with AsyncSession(engine) as session:
            query = select(orm_sqlalchemy.Author).order_by(orm_sqlalchemy.Author.id)
            if clean:
                query = query.options(selectinload(orm_sqlalchemy.Author.books))
            authors = (await session.scalars(query)).all()
            found = 0
            for author in authors:
                found += len(await author.awaitable_attrs.books)
            lookups.append(found)
    await engine.dispose()
    return lookups


async def asyncpg_pool(dsn, application, variant, recorder):
    """A pool of one connection (so that every request reuses it after the pool's reset); each request
    lists books 101..112 and looks up each book's author with fetchrow, inside a transaction or not, or
    (clean) all the authors in one `= ANY($1::int[])`."""
    pool = await asyncpg.create_pool(min_size=1, max_size=1, **connect_arguments(dsn, application))
    lookups = []
    for _ in range(REQUESTS):
        recorder.begin()
        async with pool.acquire() as connection:
            if variant == "txn":
                async with connection.transaction():
                    lookups.append(await lookup_each(connection, recorder))
            elif variant == "notxn":
                lookups.append(await lookup_each(connection, recorder))
            else:
                books = await connection.fetch(PARENT, 112)
                recorder.sent(PARENT)
                rows = await connection.fetch(CLEAN, [book["author_id"] for book in books])
                recorder.sent(CLEAN)
                lookups.append(len(rows))
    await pool.close()
    return lookups


async def lookup_each(connection, recorder):
    """The N+1: the books, then one fetchrow per book for its author."""
    books = await connection.fetch(PARENT, 112)
    recorder.sent(PARENT)
    names = []
    for book in books:
        names.append((await connection.fetchrow(CHILD, book["author_id"]))["name"])
        recorder.sent(CHILD)
    return len(names)


def run(mode, dsn, application):
    """Runs one asyncio mode; returns its result object."""
    recorder = Recorder()
    if mode == "sa-asyncpg":
        lookups = asyncio.run(sqlalchemy_asyncpg(dsn, application, False, recorder))
    elif mode == "sa-asyncpg-clean":
        lookups = asyncio.run(sqlalchemy_asyncpg(dsn, application, True, recorder))
    else:
        lookups = asyncio.run(asyncpg_pool(dsn, application, mode.removeprefix("asyncpg-pool-"), recorder))
    return {"requests": len(recorder.requests), "lookups": lookups, "sent": recorder.summary()}
