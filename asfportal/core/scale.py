"""National-scale data for the benchmark: each app's scale.py registers a seeder that `manage.py seed_scale` runs
after the core's (organisations and users), in INSTALLED_APPS order, with one shared ScaleContext.

Seeders write with bulk_create in batches and skip model-level services on purpose: the benchmark needs hundreds
of thousands of rows in minutes, and measures reads. Everything they write must still satisfy the database
constraints and look like real data to the pages (statuses, dates and outcomes spread as in the demo).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

SCALE_SEEDERS: list[Callable[[ScaleContext], str]] = []
BATCH = 5000


def scale_seeder(func: Callable[[ScaleContext], str]) -> Callable[[ScaleContext], str]:
    """Register `func(ctx) -> summary line`; it runs once on an empty (demo-only) database."""
    SCALE_SEEDERS.append(func)
    return func


@dataclass
class ScaleContext:
    sizes: dict[str, int]
    today: date
    rng: random.Random
    password_hash: str
    # Filled by the core seeder: organisation ids by kind, and the one organisation every seeder favours so that
    # the benchmark has a clear "largest organisation" (Stockholms stad, kommunkod 0180).
    kommun_ids: list[int] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    forbund_ids: list[int] = field(default_factory=list)
    largest_id: int = 0
    coordinators: dict[int, list[int]] = field(default_factory=dict)  # organisation id -> user ids
    officers: dict[int, list[int]] = field(default_factory=dict)
    representative_ids: list[int] = field(default_factory=list)  # company representatives not yet connected
    # Filled by the companies seeder.
    company_ids: list[int] = field(default_factory=list)
    verified_company_ids: list[int] = field(default_factory=list)
    company_municipality: dict[int, int] = field(default_factory=dict)  # company id -> its first kommun

    def municipality(self) -> int:
        """A kommun id, the largest one about 5 % of the time (Stockholm has far more of everything)."""
        return self.largest_id if self.rng.random() < 0.05 else self.rng.choice(self.kommun_ids)

    def coordinator_of(self, organisation_id: int) -> int:
        return self.rng.choice(self.coordinators[organisation_id])


def bulk(model, rows: Iterable, batch: int = BATCH) -> list:
    """bulk_create in batches; returns the saved objects (with ids on PostgreSQL and SQLite)."""
    saved, chunk = [], []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            saved += model.objects.bulk_create(chunk, batch_size=batch)
            chunk = []
    if chunk:
        saved += model.objects.bulk_create(chunk, batch_size=batch)
    return saved


class Timer:
    def __init__(self):
        self.start = time.monotonic()

    def __str__(self) -> str:
        return f"{time.monotonic() - self.start:.1f} s"
