"""Demo-data hooks: each app's demo.py registers a seeder that `manage.py seed_demo` runs after the core's."""

from collections.abc import Callable

SEEDERS: list[Callable] = []


def demo_seeder(func: Callable) -> Callable:
    """Register `func(stdout)`; it must be idempotent (seed_demo may run on every start)."""
    SEEDERS.append(func)
    return func
