"""Work split over the machine's two cores: a forked child computes one part while the parent goes on.

The child inherits everything it needs (no pickling on the way in), never touches the database or any other
connection, sends its result back through a pipe and ends with os._exit. A bare os.fork, not a process pool:
a Celery prefork worker is a daemon process, from which multiprocessing refuses to fork, and a pool's child
runs the after-fork hooks kombu and Celery register, which close the parent's Redis connections from the
child (a roster import or a re-classification hung that way in a process holding them).
"""

import os
import pickle
import signal


class Later:
    """`with Later(function) as later: …; later.result()` — function() runs in a forked child meanwhile.
    With fork=False it runs in this process when its result is asked for."""

    def __init__(self, function, fork=True):
        self._function, self._fork, self._pid = function, fork, None

    def __enter__(self):
        if self._fork:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _run_child(self._function, write_end)
            os.close(write_end)
            self._pid, self._pipe = pid, os.fdopen(read_end, "rb")
        return self

    def result(self):
        if self._pid is None:
            return self._function()
        try:
            succeeded, value = pickle.load(self._pipe)
        except EOFError:
            raise ChildProcessError("the forked child ended before sending its result") from None
        finally:
            self._end_child()
        if not succeeded:
            raise value
        return value

    def __exit__(self, *exc):
        if self._pid is not None:  # left early (an error here): the child's result is not wanted
            os.kill(self._pid, signal.SIGKILL)
            self._end_child()

    def _end_child(self):
        self._pipe.close()
        os.waitpid(self._pid, 0)
        self._pid = None


def _run_child(function, write_end):
    try:
        try:
            outcome = (True, function())
        except Exception as error:  # noqa: BLE001 - raised again in the parent
            outcome = (False, error)
        with os.fdopen(write_end, "wb") as pipe:
            try:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # noqa: BLE001 - an exception that cannot be pickled
                pickle.dump((False, RuntimeError(repr(error))), pipe)
    finally:
        os._exit(0)


def in_two_halves(function, items, fork=True) -> list:
    """[function(item) for item in items], the second half in a forked child."""
    half = len(items) // 2 if fork else len(items)
    with Later(lambda: [function(item) for item in items[half:]], fork) as second:
        first = [function(item) for item in items[:half]]
        return first + second.result()
