"""Two requests about one row, released together after each has read it: the window in which a
view has loaded the row and its service has not yet changed it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def hold_until_both_arrive(monkeypatch, module, *names: str) -> None:
    """Patch each named function of `module` to wait at one barrier before running."""
    barrier = threading.Barrier(len(names), timeout=30)
    for name in names:
        original = getattr(module, name)

        def released_together(*args, _original=original, **kwargs):
            barrier.wait()
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, released_together)


def run_concurrently(*calls: Callable[[], object]) -> list:
    """Each call in its own thread (and database connection); their results, or the exceptions raised."""
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001 - the refusal is the result under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
