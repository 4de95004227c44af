"""Real-ORM workloads with an exact ground truth of N+1 queries, run through pglens; prints one JSON line
per mode: {"mode", "application", "requests", "lookups", "sent"} ("sent": per request, the statements the
client library sent, as [text with placeholders, executions]), or {"mode", "application", "error"}.

Usage: python3 orm_workloads.py DSN ADMIN_DSN APPLICATION_PREFIX MODE [MODE ...]
Each mode connects with application_name APPLICATION_PREFIX-MODE; tables and rows: orm_common.py.

"N+1 of K, R bursts" means: one n_plus_one finding whose child runs K times per request (repetitions K),
seen in R requests (occurrences R), whose parent is the named query; every request is a unit of work.
Each such finding also has: `table` the child's table (unquoted); evidence.parent_rows the parent rows
that drove one request's loop (for sa-nested's products: the 15 item rows of the request's 5 item
queries); evidence.framework sqlalchemy or django (unknown for the raw drivers) and the ORM's fix in the
suggestion; lineage: from the second request of each connection on, every value the child was sent is
found in one result column of the parent (orm_common.py keeps the id ranges of the tables apart).

SQLAlchemy 2, sync (orm_sqlalchemy.py); a Session per request, the transaction ended by the pool's
ROLLBACK; 4 requests unless said otherwise:
  sa-psycopg2-o2m        psycopg2 (literals): 12 authors, then author.books (lazy="select") for each
                         -> N+1 of 12 on orm_books (`$1 = orm_books.author_id`), 4 bursts, parent the
                         authors query (12 rows); fix: selectinload
  sa-psycopg2-o2m-clean  the same with selectinload(Author.books)                      -> no N+1
  sa-psycopg2-m2o        books 101..112 (12 distinct authors), then book.author for each
                         -> N+1 of 12 on orm_authors (`orm_authors.id = $1`), 4 bursts, parent the books
                         query (12 rows); fix: joinedload
  sa-psycopg2-m2o-clean  the same with joinedload(Book.author)                          -> no N+1
  sa-psycopg3-o2m        as sa-psycopg2-o2m on psycopg 3 (server-side parameters, prepared from the 5th
                         execution on)                                                  -> same N+1
  sa-psycopg3-o2m-clean  selectinload on psycopg 3                                      -> no N+1
  sa-psycopg3-m2o        as sa-psycopg2-m2o on psycopg 3                                -> same N+1
  sa-nested              5 orders, order.items (3 each), item.product (15 distinct)
                         -> two N+1s: items, 5 per request, parent the orders query (5 rows); products,
                         15 per request, parent the items query (the 15 item rows drove them); 4 bursts
  sa-interleaved         10 messages, then message.channel and message.analysis alternating (psycopg 3)
                         -> two N+1s of 10 (orm_channels, orm_analyses), both with the messages query
                         (10 rows) as parent, 4 bursts
  sa-concurrent          3 threads, each on its own pooled connection, run sa-psycopg2-o2m twice, in step
                         -> N+1 of 12, 6 bursts (never merged across connections), 3 connections
  sa-sqlcommenter        psycopg 3, ONE persistent autocommit connection (no transaction, no reset), 3
                         requests tagged route='/authors', framework, a new traceparent each
                         -> N+1 of 12, 3 bursts, evidence route "/authors"

asyncio (orm_async.py), 3 requests:
  sa-asyncpg             AsyncSession on asyncpg, `await author.awaitable_attrs.books` for 12 authors
                         -> N+1 of 12 on orm_books, 3 bursts, parent the authors query; fix: selectinload
  sa-asyncpg-clean       selectinload                                                   -> no N+1
  asyncpg-pool-txn       raw asyncpg pool of 1 connection (statement cache on), each request
                         `async with pool.acquire()` + a transaction: books 101..112, then fetchrow of each
                         book's author -> N+1 of 12 on orm_authors, 3 bursts, parent the books query
  asyncpg-pool-notxn     the same without a transaction: the pool's reset on release (SELECT
                         pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL) ends each request
                         -> same N+1, 3 bursts
  asyncpg-pool-clean     one `= ANY($1::int[])` query for the authors                   -> no N+1

Django 5.2 on psycopg 3, client-side literals (orm_django.py), 4 requests:
  dj-forward             CONN_MAX_AGE=0 (connection closed after each request): books 101..112, then
                         book.author.name -> N+1 of 12 on orm_authors, 4 bursts, parent the books query
                         (12 rows); fix: select_related
  dj-forward-clean       select_related("author")                                       -> no N+1
  dj-reverse             CONN_MAX_AGE=0: 12 authors, then list(author.book_set.all())
                         -> N+1 of 12 on orm_books, 4 bursts, parent the authors query; fix: prefetch_related
  dj-reverse-clean       prefetch_related("book_set")                                   -> no N+1
  dj-persistent          dj-reverse on one persistent connection (CONN_MAX_AGE=None, autocommit), the
                         requests back to back with nothing between them            -> N+1 of 12, 4 bursts
  dj-persistent-atomic   the same with each request in transaction.atomic() (ATOMIC_REQUESTS)
                         -> N+1 of 12, 4 bursts
  dj-persistent-clean    dj-reverse-clean on one persistent connection, back to back  -> no finding (the
                         same two statements in each request are not a duplicate_query)
  dj-persistent-auth     12 requests back to back on one persistent connection: the request's user by its
                         token (a different one each time), then the first author's books -> no finding
  dj-repeated-keys       60 comments by 8 distinct authors, comment.author for each (no identity map)
                         -> N+1 of 60 on orm_authors (8 distinct values), 4 bursts, parent the comments
                         query (60 rows); no duplicate_query
  dj-duplicate           5 users, then Setting.objects.get(key="theme") 6 times
                         -> duplicate_query of 6, 4 bursts; no N+1

Drivers and negative controls (orm_controls.py), 3 requests unless said otherwise:
  pg-pipeline-binary     psycopg 3, binary parameters (%b) and results, a transaction per request: 25
                         users, then their 25 profiles looked up in one pipeline
                         -> N+1 of 25 on orm_profiles, 3 bursts, parent the users query (25 rows)
  ctl-executemany        psycopg2, a transaction per request: the 12 authors, then executemany of 12
                         INSERTs (sent as 12 literal INSERTs) -> repeated_insert of 12, 3 bursts; no N+1
  ctl-duplicate          psycopg 3 (bound; prepared from the 5th execution): the authors, then the same
                         setting 6 times with the same key   -> duplicate_query of 6, 3 bursts; no N+1
  ctl-six-lookups        psycopg 3: the authors, then 6 different lookups, each once    -> no finding
  ctl-auth               SQLAlchemy/psycopg2, 30 requests, each a transaction: the user by token, then a
                         books page                                                    -> no finding
  ctl-settings           SQLAlchemy/psycopg2, 4 requests: the authors, then session.get of 3 different
                         settings                                                      -> no finding
Round-trip waste (orm_roundtrips.py: SQLAlchemy 2 on psycopg2, a Session per request; and Django), 3
requests, 4 for Django:
  rt-sa-counts           Query.count() 3 times on orm_analyses with 3 filters (all, score >= 70,
                         message_id <= 5) -> repeated_aggregates of 3 on orm_analyses, 3 units; the fix
                         writes count(*) FILTER (WHERE ...)
  rt-sa-counts-clean     the 3 counts in one statement with FILTER                      -> no finding
  dj-rt-counts           Django .count() 3 times on orm_analyses (the same filters)    -> repeated_aggregates
                         of 3, 4 units
  rt-sa-kpis             9 KPI statements (8 counts of 8 tables, a max), none using another's result
                         -> sequential_queries of 9, 3 units
  rt-sa-kpis-clean       the 9 numbers in one statement of scalar subqueries            -> no finding
"No finding" means no n_plus_one, repeated_insert or duplicate_query finding for the application.
"""
import json
import sys
import traceback

import orm_common


def main():
    dsn, admin_dsn, prefix = sys.argv[1:4]
    modes = sys.argv[4:]
    orm_common.setup(admin_dsn)
    applications = {mode: f"{prefix}-{mode}" for mode in modes}
    django_models = None
    for mode in modes:
        out = {"mode": mode, "application": applications[mode]}
        try:
            if mode.startswith("dj-"):
                import orm_django

                if django_models is None:
                    django_models = orm_django.configure(
                        dsn, {m: a for m, a in applications.items() if m.startswith("dj-")}
                    )
                out.update(orm_django.run(mode, django_models))
            elif mode.startswith("sa-asyncpg") or mode.startswith("asyncpg-"):
                import orm_async

                out.update(orm_async.run(mode, dsn, applications[mode]))
            elif mode.startswith("rt-"):
                import orm_roundtrips

                out.update(orm_roundtrips.run(mode, dsn, applications[mode]))
            elif mode.startswith("sa-"):
                import orm_sqlalchemy

                out.update(orm_sqlalchemy.run(mode, dsn, applications[mode]))
            else:
                import orm_controls

                out.update(orm_controls.run(mode, dsn, applications[mode]))
        except Exception:
            out["error"] = traceback.format_exc()
        print(json.dumps(out), flush=True)


main()
