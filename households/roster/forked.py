"""Work split over the machine's two cores: a forked child computes one part while the parent goes on.

The child inherits everything it needs (no pickling on the way in), never touches the database and ends
with os._exit as pool workers do, so the parent's database connection stays open and usable. billiard, not
multiprocessing: a Celery prefork worker is a daemon process, and multiprocessing refuses to fork from one.
"""

from billiard import get_context

_work = None  # the child's function: set just before the fork, inherited by the child


class Later:
    """`with Later(function) as later: …; later.result()` — function() runs in a forked child meanwhile.
    With fork=False it runs in this process when its result is asked for."""

    def __init__(self, function, fork=True):
        self._function, self._pool = function, None
        self._fork = fork

    def __enter__(self):
        global _work
        if self._fork:
            _work = self._function
            try:
                self._pool = get_context("fork").Pool(1)
            finally:
                _work = None
            self._pending = self._pool.apply_async(_run)
        return self

    def result(self):
        return self._pending.get() if self._pool is not None else self._function()

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.terminate()


def _run():
    return _work()


def in_two_halves(function, items, fork=True) -> list:
    """[function(item) for item in items], the second half in a forked child."""
    half = len(items) // 2 if fork else len(items)
    with Later(lambda: [function(item) for item in items[half:]], fork) as second:
        first = [function(item) for item in items[:half]]
        return first + second.result()
