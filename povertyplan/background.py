"""Background work that survives faults: a worker killed mid-job, a lost database connection, a broker down.

- `enqueue` sends a task and, when the broker cannot be reached, says so instead of raising: the caller marks
  its job failed, or leaves its pending changes to the sweeper and notes them (`note_deferred`), so the request
  that saved the data still answers with success and a notice (povertyplan.middleware.DeferredWorkMiddleware).
- A job row a worker works on carries a lease: `heartbeat` renews `heartbeat_at` every few seconds from a thread
  of its own while the work runs; the sweepers (targets.tasks, households.tasks; Celery beat every 30 s) retry or
  fail the rows whose lease has `expired`, so a job whose worker is gone is noticed within a minute rather than
  when the broker redelivers its task hours later.
- `reconnect` lets a task retry on a fresh connection after the database dropped the one it had.
"""

import contextvars
import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30
HEARTBEAT_SECONDS = 5
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)

_deferred = contextvars.ContextVar("povertyplan_deferred_work", default=None)


def in_worker() -> bool:
    """Tasks run on a Celery worker (a broker is set and tasks are not run in-process)."""
    from povertyplan.celery import app

    return bool(settings.CELERY_BROKER_URL) and not app.conf.task_always_eager


def enqueue(task, *args, **kwargs) -> bool:
    """task.apply_async(args, kwargs); False, logged and noted for the request, when the broker is unreachable.
    In-process (no broker) the task runs now and its own errors propagate."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as error:
        broker_unreachable(task.name, error)
        return False
    return True


def broker_unreachable(what: str, error: Exception) -> None:
    logger.warning("could not queue %s, the broker is unreachable: %s", what, error)


def note_deferred(what: str) -> None:
    """Work this request could not queue and a sweeper will queue later: the request's page says so."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.append(what)


@contextmanager
def collecting_deferred():
    """The names of the work this block could not queue."""
    deferred = []
    token = _deferred.set(deferred)
    try:
        yield deferred
    finally:
        _deferred.reset(token)


def expired(now=None) -> Q:
    """Rows whose worker has not been seen for LEASE_SECONDS. None without a worker (tasks in-process), where
    nothing beats and a row's work ends with the process that runs it."""
    if not in_worker():
        return Q(pk__in=[])
    now = now or timezone.now()
    return Q(heartbeat_at__lt=now - timedelta(seconds=LEASE_SECONDS)) | Q(heartbeat_at__isnull=True)


@contextmanager
def heartbeat(queryset):
    """While the block runs on a worker, set heartbeat_at on the queryset's rows every HEARTBEAT_SECONDS, from a
    thread with its own connection (the work's own transaction would hide the update until its commit)."""
    if not in_worker():
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(queryset, stop), name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _beat(queryset, stop) -> None:
    try:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                connection.close_if_unusable_or_obsolete()
                queryset.update(heartbeat_at=timezone.now())
            except DatabaseError as error:  # the next beat tries again; the work itself decides its fate
                logger.warning("heartbeat not recorded: %s", error)
    finally:
        connection.close()


def reconnect() -> None:
    """After a lost connection: drop it, so the retry opens a new one (a worker does this between tasks; an
    in-process retry runs at once). Never inside a transaction, which the loss has ended anyway."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
