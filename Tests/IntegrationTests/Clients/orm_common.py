"""What the ORM workloads (orm_workloads.py) share: their tables and rows, and a recorder of the SQL sent.

All tables start with `orm_` and are granted to the role `app`; the rows are fixed, so every workload's
ground truth (how many statements each request sends, how many rows each returns) follows from them:

  orm_authors    12 authors, ids 1..12
  orm_books      24 books, ids 101..124; book 100 + i belongs to author ((i - 1) % 12) + 1, so each author
                 has 2 books and books 101..112 have 12 distinct authors
  orm_orders     5 orders, ids 1..5
  orm_products   15 products, ids 201..215
  orm_items      15 order items, ids 301..315; item 300 + i belongs to order ((i - 1) // 3) + 1 (3 per
                 order) and is of product 200 + i (15 distinct products)
  orm_channels   10 channels, ids 401..410
  orm_messages   10 messages, ids 1..10; message i is in channel 400 + i
  orm_analyses   10 analyses, ids 501..510; analysis 500 + i is of message i
  orm_comments   60 comments, ids 601..660; comment 600 + i is by author ((i - 1) % 8) + 1 (8 distinct)
  orm_users      30 users, ids 701..730, token 'tok-<id>'
  orm_profiles   30 profiles, ids 801..830; profile 800 + i is of user 700 + i
  orm_settings   key/value settings: 'theme', 'locale', 'currency', 'timezone'
  orm_events     an empty table the insert loop writes into (truncated by setup)

The id ranges do not overlap, so the values a loop looks up are found in one column of its parent only
(what lineage evidence must name).
"""
import psycopg

SCHEMA = """
CREATE TABLE IF NOT EXISTS orm_authors (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_books (id int PRIMARY KEY, title text NOT NULL,
    author_id int NOT NULL REFERENCES orm_authors (id));
CREATE TABLE IF NOT EXISTS orm_orders (id int PRIMARY KEY, customer text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_products (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_items (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orm_orders (id),
    product_id int NOT NULL REFERENCES orm_products (id), quantity int NOT NULL);
CREATE TABLE IF NOT EXISTS orm_channels (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_messages (id int PRIMARY KEY, body text NOT NULL,
    channel_id int NOT NULL REFERENCES orm_channels (id));
CREATE TABLE IF NOT EXISTS orm_analyses (id int PRIMARY KEY, message_id int NOT NULL UNIQUE
    REFERENCES orm_messages (id), score int NOT NULL);
CREATE TABLE IF NOT EXISTS orm_comments (id int PRIMARY KEY, body text NOT NULL,
    author_id int NOT NULL REFERENCES orm_authors (id));
CREATE TABLE IF NOT EXISTS orm_users (id int PRIMARY KEY, token text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_profiles (id int PRIMARY KEY, user_id int NOT NULL UNIQUE REFERENCES orm_users (id),
    bio text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_settings (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS orm_events (id serial PRIMARY KEY, kind text NOT NULL, payload int NOT NULL);
"""

ROWS = """
INSERT INTO orm_authors SELECT g, 'author ' || g FROM generate_series(1, 12) g ON CONFLICT DO NOTHING;
INSERT INTO orm_books SELECT 100 + g, 'book ' || g, ((g - 1) % 12) + 1 FROM generate_series(1, 24) g
    ON CONFLICT DO NOTHING;
INSERT INTO orm_orders SELECT g, 'customer ' || g FROM generate_series(1, 5) g ON CONFLICT DO NOTHING;
INSERT INTO orm_products SELECT 200 + g, 'product ' || g FROM generate_series(1, 15) g ON CONFLICT DO NOTHING;
INSERT INTO orm_items SELECT 300 + g, ((g - 1) / 3) + 1, 200 + g, g FROM generate_series(1, 15) g
    ON CONFLICT DO NOTHING;
INSERT INTO orm_channels SELECT 400 + g, 'channel ' || g FROM generate_series(1, 10) g ON CONFLICT DO NOTHING;
INSERT INTO orm_messages SELECT g, 'message ' || g, 400 + g FROM generate_series(1, 10) g ON CONFLICT DO NOTHING;
INSERT INTO orm_analyses SELECT 500 + g, g, g * 10 FROM generate_series(1, 10) g ON CONFLICT DO NOTHING;
INSERT INTO orm_comments SELECT 600 + g, 'comment ' || g, ((g - 1) % 8) + 1 FROM generate_series(1, 60) g
    ON CONFLICT DO NOTHING;
INSERT INTO orm_users SELECT 700 + g, 'tok-' || (700 + g), 'user ' || g FROM generate_series(1, 30) g
    ON CONFLICT DO NOTHING;
INSERT INTO orm_profiles SELECT 800 + g, 700 + g, 'bio ' || g FROM generate_series(1, 30) g ON CONFLICT DO NOTHING;
INSERT INTO orm_settings VALUES ('theme', 'dark'), ('locale', 'en'), ('currency', 'EUR'), ('timezone', 'UTC')
    ON CONFLICT DO NOTHING;
TRUNCATE orm_events;
GRANT SELECT ON orm_authors, orm_books, orm_orders, orm_products, orm_items, orm_channels, orm_messages,
    orm_analyses, orm_comments, orm_users, orm_profiles, orm_settings TO app;
GRANT SELECT, INSERT ON orm_events TO app;
GRANT USAGE ON SEQUENCE orm_events_id_seq TO app;
"""


def setup(admin_dsn):
    """Creates the tables (once) and their rows, straight on PostgreSQL (not through pglens)."""
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(4242)")
        admin.execute(SCHEMA)
        admin.execute(ROWS)
        admin.execute("SELECT pg_advisory_unlock(4242)")


class Recorder:
    """The statements a workload sent, per request, as the client library saw them (placeholders, not
    values): printed with the workload's result, so that a test can check the ground truth it asserts
    (how many child lookups each request really sent) and show what was sent when pglens disagrees."""

    def __init__(self):
        self.requests = []

    def begin(self):
        """Starts the next request."""
        self.requests.append({})

    def sent(self, sql, times=1):
        """Counts one execution (or `times`) of `sql` in the current request."""
        text = " ".join(str(sql).split())
        current = self.requests[-1]
        current[text] = current.get(text, 0) + times

    def summary(self):
        """Per request, [[statement, executions], ...] in the order first sent."""
        return [[[text, count] for text, count in request.items()] for request in self.requests]


def conninfo_dict(dsn):
    """A libpq connection string as keyword arguments (for asyncpg, which takes no libpq string)."""
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(dsn)
