"""Django workloads for orm_workloads.py; see its docstring for each mode's ground truth.

Django is configured in-process (`settings.configure`) with one database alias per mode, so that each
mode has its own application_name and CONN_MAX_AGE; the models live in a small app package written to a
temporary directory (`orm_djapp`) and map the orm_ tables that orm_common.py creates (managed = False).
Django's postgresql backend uses psycopg 3 when it is installed, with client-side binding (the default
`server_side_binding = False`): the values are in the SQL text, as psycopg2 would send them.
"""
import atexit
import os
import shutil
import sys
import tempfile

from orm_common import Recorder, conninfo_dict

MODELS = '''
from django.db import models


class Author(models.Model):
    name = models.TextField()

    class Meta:
        db_table = "orm_authors"
        managed = False


class Book(models.Model):
    title = models.TextField()
    author = models.ForeignKey(Author, on_delete=models.DO_NOTHING)

    class Meta:
        db_table = "orm_books"
        managed = False


class Comment(models.Model):
    body = models.TextField()
    author = models.ForeignKey(Author, on_delete=models.DO_NOTHING)

    class Meta:
        db_table = "orm_comments"
        managed = False


class User(models.Model):
    token = models.TextField()
    name = models.TextField()

    class Meta:
        db_table = "orm_users"
        managed = False


class Analysis(models.Model):
    message_id = models.IntegerField()
    score = models.IntegerField()

    class Meta:
        db_table = "orm_analyses"
        managed = False


class Setting(models.Model):
    key = models.TextField(primary_key=True)
    value = models.TextField()

    class Meta:
        db_table = "orm_settings"
        managed = False
'''

# mode -> CONN_MAX_AGE (0: a connection per request, closed after it; None: persistent)
MODES = {
    "dj-forward": 0,
    "dj-forward-clean": 0,
    "dj-reverse": 0,
    "dj-reverse-clean": 0,
    "dj-persistent": None,
    "dj-persistent-atomic": None,
    "dj-persistent-clean": None,
    "dj-persistent-auth": None,
    "dj-repeated-keys": 0,
    "dj-duplicate": 0,
    "dj-rt-counts": 0,
}
REQUESTS = 4
# Modes that run more requests than REQUESTS (a per-request lookup must reach the N+1 threshold across them).
MODE_REQUESTS = {"dj-persistent-auth": 12}


def configure(dsn, applications):
    """Configures Django once for the given {mode: application_name}; returns the models module."""
    package = tempfile.mkdtemp(prefix="orm_djapp-")
    atexit.register(shutil.rmtree, package, True)
    os.makedirs(os.path.join(package, "orm_djapp"))
    with open(os.path.join(package, "orm_djapp", "__init__.py"), "w") as init:
        init.write("")
    with open(os.path.join(package, "orm_djapp", "models.py"), "w") as models:
        models.write(MODELS)
    sys.path.insert(0, package)
    words = conninfo_dict(dsn)
    base = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": words["dbname"],
        "USER": words["user"],
        "PASSWORD": words.get("password", ""),
        "HOST": words["host"],
        "PORT": words["port"],
    }
    databases = {"default": dict(base, OPTIONS={"sslmode": "disable"})}
    for mode, application in applications.items():
        databases[mode] = dict(
            base, CONN_MAX_AGE=MODES[mode], OPTIONS={"sslmode": "disable", "application_name": application}
        )
    import django
    from django.conf import settings

    settings.configure(
        DATABASES=databases,
        INSTALLED_APPS=["orm_djapp"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    import orm_djapp.models

    return orm_djapp.models


def run(mode, models, recorder=None):
    """Runs one Django mode on its alias; returns its result object."""
    from django.db import connections, transaction

    recorder = recorder or Recorder()
    alias = mode

    def record(execute, sql, params, many, context):
        recorder.sent(sql, len(params) if many else 1)
        return execute(sql, params, many, context)

    bodies = {
        "dj-forward": lambda: forward(models, alias, False),
        "dj-forward-clean": lambda: forward(models, alias, True),
        "dj-reverse": lambda: reverse(models, alias, False),
        "dj-reverse-clean": lambda: reverse(models, alias, True),
        "dj-persistent": lambda: reverse(models, alias, False),
        "dj-persistent-atomic": lambda: reverse(models, alias, False),
        "dj-persistent-clean": lambda: reverse(models, alias, True),
        "dj-persistent-auth": lambda: auth(models, alias, len(recorder.requests)),
        "dj-repeated-keys": lambda: repeated_keys(models, alias),
        "dj-duplicate": lambda: duplicate(models, alias),
        "dj-rt-counts": lambda: counts(models, alias),
    }
    lookups = []
    for _ in range(MODE_REQUESTS.get(mode, REQUESTS)):
        recorder.begin()
        with connections[alias].execute_wrapper(record):
            if mode == "dj-persistent-atomic":
                # ATOMIC_REQUESTS = True: Django runs each request in a transaction.
                with transaction.atomic(using=alias):
                    lookups.append(bodies[mode]())
            else:
                lookups.append(bodies[mode]())
        if MODES[mode] == 0:
            # What request_finished does with CONN_MAX_AGE = 0: the request's connection is closed.
            connections.close_all()
    connections[alias].close()
    return {"requests": len(recorder.requests), "lookups": lookups, "sent": recorder.summary()}


def forward(models, alias, clean):
    """Forward FK: books 101..112 (12 distinct authors), then each book's author (or select_related)."""
    books = models.Book.objects.using(alias).filter(id__lte=112).order_by("id")
    if clean:
        books = books.select_related("author")
    return len({book.author.name for book in books})


def reverse(models, alias, clean):
    """Reverse FK: every author, then each author's books (or prefetch_related)."""
    authors = models.Author.objects.using(alias).order_by("id")
    if clean:
        authors = authors.prefetch_related("book_set")
    return sum(len(list(author.book_set.all())) for author in authors)


def auth(models, alias, request):
    """A request's user looked up by its token (a different user each request), then the same page: the
    first author's books."""
    user = models.User.objects.using(alias).get(token=f"tok-{701 + request}")
    return user.id + len(list(models.Book.objects.using(alias).filter(author_id=1)))


def counts(models, alias):
    """.count() three times on the analyses, each with another filter (a dashboard's tiles)."""
    analyses = models.Analysis.objects.using(alias)
    return [analyses.count(), analyses.filter(score__gte=70).count(), analyses.filter(message_id__lte=5).count()]


def repeated_keys(models, alias):
    """60 comments by only 8 authors: Django has no identity map, so each comment's author is a query."""
    return len({comment.author.name for comment in models.Comment.objects.using(alias).order_by("id")})


def duplicate(models, alias):
    """The users page, then the same setting fetched 6 times with the same key."""
    users = list(models.User.objects.using(alias).order_by("id")[:5])
    themes = {models.Setting.objects.using(alias).get(key="theme").value for _ in range(6)}
    return len(users) + len(themes)
