"""SQLAlchemy 2 workloads (sync, with psycopg2 and psycopg 3) for orm_workloads.py; see its docstring for
each mode's ground truth.

Each request is one `Session`: with a default engine the driver opens a transaction at the first
statement and the pool's reset-on-return ends it with ROLLBACK when the session closes, as in a web app.
"""
import threading

import psycopg
import psycopg2
from sqlalchemy import ForeignKey, create_engine, event, select
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship, selectinload

from orm_common import Recorder


class Base(AsyncAttrs, DeclarativeBase):
    """The declarative base of the workload's models (`awaitable_attrs` for the asyncio workloads)."""


class Author(Base):
    """orm_authors: one author has many books."""

    __tablename__ = "orm_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    """orm_books: many-to-one to its author."""

    __tablename__ = "orm_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    author_id: Mapped[int] = mapped_column(ForeignKey("orm_authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


class Order(Base):
    """orm_orders: one order has many items."""

    __tablename__ = "orm_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer: Mapped[str]
    items: Mapped[list["Item"]] = relationship(order_by="Item.id")


class Product(Base):
    """orm_products."""

    __tablename__ = "orm_products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Item(Base):
    """orm_items: belongs to an order, is of one product."""

    __tablename__ = "orm_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orm_orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("orm_products.id"))
    quantity: Mapped[int]
    product: Mapped[Product] = relationship()


class Channel(Base):
    """orm_channels."""

    __tablename__ = "orm_channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Analysis(Base):
    """orm_analyses: one per message."""

    __tablename__ = "orm_analyses"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("orm_messages.id"))
    score: Mapped[int]


class Message(Base):
    """orm_messages: many-to-one to its channel, one-to-one to its analysis."""

    __tablename__ = "orm_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    channel_id: Mapped[int] = mapped_column(ForeignKey("orm_channels.id"))
    channel: Mapped[Channel] = relationship()
    analysis: Mapped[Analysis] = relationship(uselist=False)


class User(Base):
    """orm_users: looked up by session token."""

    __tablename__ = "orm_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str]
    name: Mapped[str]


class Setting(Base):
    """orm_settings: key/value."""

    __tablename__ = "orm_settings"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


def make_engine(driver, dsn, application, **options):
    """An engine on `driver` (psycopg2 or psycopg) that connects with the libpq string `dsn`."""
    module = psycopg2 if driver == "psycopg2" else psycopg
    return create_engine(
        f"postgresql+{driver}://", creator=lambda: module.connect(dsn, application_name=application), **options
    )


def engine_for(driver, dsn, application, recorder, **options):
    """An engine on `driver` (psycopg2 or psycopg) whose statements `recorder` counts."""
    engine = make_engine(driver, dsn, application, **options)

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        recorder.sent(statement)

    return engine


def authors_books(session, clean):
    """One-to-many: every author, then each author's books (lazy="select", or selectinload)."""
    query = select(Author).order_by(Author.id)
    if clean:
        query = query.options(selectinload(Author.books))
    return sum(len(author.books) for author in session.scalars(query).all())


def books_authors(session, clean):
    """Many-to-one: books 101..112 (12 distinct authors), then each book's author (or joinedload)."""
    query = select(Book).where(Book.id <= 112).order_by(Book.id)
    if clean:
        query = query.options(joinedload(Book.author))
    return len({book.author.name for book in session.scalars(query).all()})


def orders_items_products(session):
    """Nested: every order, each order's items, each item's product (15 distinct products)."""
    orders = session.scalars(select(Order).order_by(Order.id)).all()
    return sum(len(item.product.name) > 0 for order in orders for item in order.items)


def messages_channel_analysis(session):
    """Two lazy loads per message, alternating: its channel, then its analysis."""
    total = 0
    for message in session.scalars(select(Message).order_by(Message.id)).all():
        total += len(message.channel.name) + message.analysis.score
    return total


BODIES = {
    "o2m": lambda session: authors_books(session, False),
    "o2m-clean": lambda session: authors_books(session, True),
    "m2o": lambda session: books_authors(session, False),
    "m2o-clean": lambda session: books_authors(session, True),
    "nested": orders_items_products,
    "interleaved": messages_channel_analysis,
}

# mode -> (driver, request body)
MODES = {
    "sa-psycopg2-o2m": ("psycopg2", "o2m"),
    "sa-psycopg2-o2m-clean": ("psycopg2", "o2m-clean"),
    "sa-psycopg2-m2o": ("psycopg2", "m2o"),
    "sa-psycopg2-m2o-clean": ("psycopg2", "m2o-clean"),
    "sa-psycopg3-o2m": ("psycopg", "o2m"),
    "sa-psycopg3-o2m-clean": ("psycopg", "o2m-clean"),
    "sa-psycopg3-m2o": ("psycopg", "m2o"),
    "sa-nested": ("psycopg2", "nested"),
    "sa-interleaved": ("psycopg", "interleaved"),
}

REQUESTS = 4


def run(mode, dsn, application):
    """Runs one SQLAlchemy mode; returns its result object."""
    recorder = Recorder()
    if mode == "sa-concurrent":
        lookups = concurrent(dsn, application, recorder)
    elif mode == "sa-sqlcommenter":
        lookups = sqlcommenter(dsn, application, recorder)
    else:
        driver, body = MODES[mode]
        engine = engine_for(driver, dsn, application, recorder)
        lookups = []
        for _ in range(REQUESTS):
            recorder.begin()
            with Session(engine) as session:
                lookups.append(BODIES[body](session))
        engine.dispose()
    return {"requests": len(recorder.requests), "lookups": lookups, "sent": recorder.summary()}


def sqlcommenter(dsn, application, recorder):
    """3 requests on one persistent autocommit connection (no transaction, no reset between them), each
    statement tagged as google-cloud-sqlcommenter tags it, with a new traceparent per request."""
    engine = make_engine("psycopg", dsn, application, isolation_level="AUTOCOMMIT")
    tags = {}

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def comment(conn, cursor, statement, parameters, context, executemany):
        if tags:
            text = ",".join(f"{key}='{value}'" for key, value in sorted(tags.items()))
            # The driver reads % as a placeholder: sqlcommenter doubles it when there are parameters.
            statement += " /*" + (text.replace("%", "%%") if parameters is not None else text) + "*/"
        recorder.sent(statement)
        return statement, parameters

    lookups = []
    with engine.connect() as connection:
        for request in range(3):
            tags.update(
                route="%2Fauthors",
                framework="sqlalchemy%3A2.0",
                traceparent=f"00-{0x4BF92F3577B34DA6A3CE929D0E0E4736 + request:032x}-{0x00F067AA0BA902B7 + request:016x}-01",
            )
            recorder.begin()
            with Session(bind=connection) as session:
                lookups.append(authors_books(session, False))
    engine.dispose()
    return lookups


def concurrent(dsn, application, recorder):
    """3 threads, each on its own pooled connection, run the one-to-many request twice, in step."""
    engine = make_engine("psycopg2", dsn, application, pool_size=3, max_overflow=0)
    local = threading.local()
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        local.request[" ".join(statement.split())] = local.request.get(" ".join(statement.split()), 0) + 1

    barrier = threading.Barrier(3)
    lookups = []
    errors = []

    def worker():
        try:
            for _ in range(2):
                local.request = {}
                with Session(engine) as session:
                    session.connection()
                    barrier.wait(timeout=30)
                    found = authors_books(session, False)
                with lock:
                    lookups.append(found)
                    recorder.requests.append(dict(local.request))
        except Exception as error:  # reported in the result, not lost in a thread
            errors.append(repr(error))
            barrier.abort()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    if errors:
        raise RuntimeError(errors)
    return sorted(lookups)
