"""The café as the phones' polls see it: kept for a second in each process (see core.recent).

A change made in this process is seen by its next poll at once (the café is forgotten when it
is saved or its revision goes up); the other web processes see it within the second.
"""

from coproduce.core.recent import Recent

from .models import Cafe

polled_cafes = Recent[Cafe](seconds=1.0)


def forget(sender=None, instance: Cafe | None = None, **kwargs) -> None:
    if instance is not None:
        polled_cafes.forget(instance.pk)
