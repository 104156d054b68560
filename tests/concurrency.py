"""Running service calls at the same moment, for the PostgreSQL race tests."""

import threading

from django.db import connection


def at_the_same_moment(jobs, *, allowed: tuple[type[Exception], ...] = ()) -> list:
    """Run each job in its own thread (its own database connection), released together by a
    barrier. Returns, per job, what it returned or the `allowed` exception it raised; any other
    exception, or a thread still running after two minutes, fails the test."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:  # reported by the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a job hung (deadlock?)"
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, allowed)]
    assert not unexpected, unexpected
    return results
