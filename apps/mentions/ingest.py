"""Service: validate a batch of raw items, locate them, and stream the valid ones into COPY.

Validation runs lazily inside the COPY, so PostgreSQL inserts the rows already sent while the
next items are validated. Items whose location needs the database (a place, a profile city)
are held back and stored after, in a second COPY, once looked up in one query each."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from apps.brands.models import Place
from apps.mentions.locations import resolve_location
from apps.mentions.parsing import RawItem
from apps.mentions.schemas import MentionIn, validation_reason
from apps.mentions.services import author_pseudonymiser
from apps.mentions.store import MentionRow, mentions_store, new_mention_ids
from apps.partners.models import Partner
from apps.regions.models import City
from apps.regions.selectors import cities_for_location_texts


@dataclass
class Rejection:
    index: int
    external_id: str | None
    reason: str


@dataclass
class IngestResult:
    stored_ids: list[str] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.stored_ids) + self.duplicates

    def as_body(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "stored": len(self.stored_ids),
            "duplicates": self.duplicates,
            "rejected": [vars(r) for r in self.rejected],
        }


@dataclass(frozen=True)
class _Lookups:
    """What held-back items need from the database, read in one query each."""

    places: dict[str, tuple[int, tuple[float, float]] | None]
    cities: dict[str, City]

    @classmethod
    def read(cls, partner: Partner | None, items: list[MentionIn]) -> "_Lookups":
        return cls(
            places=_place_points(partner, {i.place for i in items if i.place}),
            cities=cities_for_location_texts({i.user_location for i in items if i.user_location}),
        )


def _place_points(
    partner: Partner | None, external_ids: set[str]
) -> dict[str, tuple[int, tuple[float, float]] | None]:
    if not external_ids:
        return {}
    places = Place.objects.filter(external_id__in=external_ids)
    if partner is not None:
        places = places.filter(brand__partners=partner)
    found: dict[str, tuple[int, tuple[float, float]] | None] = {}
    for external_id, place_id, point in places.values_list("external_id", "id", "point"):
        found[external_id] = None if external_id in found else (place_id, (point.x, point.y))
    return found  # None marks an external id shared by two brands' places: ambiguous


def _needs_lookups(item: MentionIn) -> bool:
    return bool(item.place) or (bool(item.user_location) and item.lat is None)


def _id_stream() -> Iterator[str]:
    while True:
        yield from new_mention_ids(1024)


class _Batch:
    """Turns raw items into rows one at a time, recording rejections and duplicates.

    Items that name a place, or have only a profile location, are held back: their rows need
    database lookups, which cannot run while the COPY of the others streams."""

    def __init__(self, partner: Partner | None, result: IngestResult) -> None:
        self.partner_id = partner.pk if partner else None
        self.result = result
        self.now = dt.datetime.now(dt.UTC)
        self.context = {"now": self.now}
        self.seen: set[tuple[str, str]] = set()
        self.pseudonymise = author_pseudonymiser()
        self.held: list[tuple[int, RawItem, MentionIn]] = []
        self.rows = 0
        self._ids = _id_stream()

    def rows_of(self, items: Iterable[RawItem]) -> Iterator[MentionRow]:
        for index, raw in enumerate(items):
            item = self._valid(index, raw)
            if item is None:
                continue
            if _needs_lookups(item):
                self.held.append((index, raw, item))
                continue
            self.rows += 1
            yield self._row(item, None, None)

    def held_rows(self, lookups: _Lookups) -> Iterator[MentionRow]:
        for index, raw, item in self.held:
            place = lookups.places.get(item.place) if item.place else None
            if item.place and place is None:
                reason = f"place {item.place!r} is not a place of your brands (or is ambiguous)"
                self._reject(index, raw, reason)
                continue
            self.rows += 1
            yield self._row(item, place, lookups.cities.get(item.user_location or ""))

    def _reject(self, index: int, raw: RawItem, reason: str) -> None:
        external_id = raw.value.get("external_id") if isinstance(raw.value, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        self.result.rejected.append(Rejection(index, external_id, reason))

    def _valid(self, index: int, raw: RawItem) -> MentionIn | None:
        if raw.error:
            self._reject(index, raw, raw.error)
            return None
        try:
            item = MentionIn.model_validate(raw.value, context=self.context)
        except ValidationError as exc:
            self._reject(index, raw, validation_reason(exc))
            return None
        key = (item.source, item.external_id)
        if key in self.seen:
            self.result.duplicates += 1
            return None
        self.seen.add(key)
        return item

    def _row(
        self, item: MentionIn, place: tuple[int, tuple[float, float]] | None, city: City | None
    ) -> MentionRow:
        location = resolve_location(item, place[1] if place else None, city)
        return MentionRow(
            next(self._ids), self.partner_id, item.source.value, item.external_id, item.text,
            item.lang or "", self.pseudonymise(item.author_id or ""), item.created_at,
            self.now, item.rating, place[0] if place else None, location.lon, location.lat,
            location.precision_m, location.provenance,
        )  # fmt: skip


def mentions_ingest(partner: Partner | None, items: Iterable[RawItem]) -> IngestResult:
    """Store every valid item (a retried one is never stored twice) and say why others failed.

    `items` is read once, as the COPY streams: a lazy iterable is decoded while PostgreSQL
    inserts the rows already sent."""
    result = IngestResult()
    batch = _Batch(partner, result)
    with transaction.atomic():
        stored = mentions_store(batch.rows_of(items))
        if batch.held:
            lookups = _Lookups.read(partner, [item for _, _, item in batch.held])
            stored += mentions_store(batch.held_rows(lookups))
        result.stored_ids = stored
        # Rows stored before (a retry, a concurrent writer) were skipped by the upsert.
        result.duplicates += batch.rows - len(stored)
        if stored:
            from apps.mentions.pipeline import pipeline_start  # noqa: PLC0415

            transaction.on_commit(lambda: pipeline_start(stored), robust=True)
    result.rejected.sort(key=lambda r: r.index)
    return result
