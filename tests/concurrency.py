"""Running one piece of work in several threads at once, as simultaneous requests would."""

import threading


def at_once(work, *arguments) -> None:
    """Run `work(argument)` in one thread per argument and wait for them all.

    Each thread has its own database connection (Django's are per thread), so `work` should
    close it at the end. Tests that need the threads released together use a Barrier in `work`.
    """
    threads = [threading.Thread(target=work, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
