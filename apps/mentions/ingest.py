"""Service: validate a batch of raw items, locate them, and stream the valid ones into COPY.

Validation runs lazily inside the COPY, so PostgreSQL inserts the rows already sent while the
next items are validated. What needs the database first (places, profile cities) is looked
up before, in one query each, from the raw values."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from apps.brands.models import Place
from apps.mentions.locations import resolve_location
from apps.mentions.parsing import RawItem
from apps.mentions.schemas import MentionIn
from apps.mentions.services import author_pseudonymise
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


def validation_reason(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _raw_strings(items: list[RawItem], name: str) -> set[str]:
    values = (i.value.get(name) for i in items if i.error is None)
    return {v for v in values if isinstance(v, str)}


@dataclass(frozen=True)
class _Lookups:
    """What the rows need from the database, read once per batch from the raw values."""

    places: dict[str, tuple[int, tuple[float, float]] | None]
    cities: dict[str, City]

    @classmethod
    def read(cls, partner: Partner | None, items: list[RawItem]) -> "_Lookups":
        return cls(
            places=_place_points(partner, _raw_strings(items, "place")),
            cities=cities_for_location_texts(_raw_strings(items, "user_location")),
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


class _Batch:
    """Turns raw items into rows one at a time, recording rejections and duplicates."""

    def __init__(self, partner: Partner | None, result: IngestResult, lookups: _Lookups) -> None:
        self.partner_id = partner.pk if partner else None
        self.result, self.lookups = result, lookups
        self.now = dt.datetime.now(dt.UTC)
        self.context = {"now": self.now}
        self.seen: set[tuple[str, str]] = set()
        self.rows = 0

    def rows_of(self, items: list[RawItem]) -> Iterator[MentionRow]:
        ids = new_mention_ids(len(items))
        for index, raw in enumerate(items):
            row = self._row(index, raw, ids[index])
            if row is not None:
                self.rows += 1
                yield row

    def _reject(self, index: int, raw: RawItem, reason: str) -> None:
        external_id = raw.value.get("external_id") if isinstance(raw.value, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        self.result.rejected.append(Rejection(index, external_id, reason))

    def _row(self, index: int, raw: RawItem, mention_id: str) -> MentionRow | None:
        if raw.error:
            self._reject(index, raw, raw.error)
            return None
        try:
            item = MentionIn.model_validate(raw.value, context=self.context)
        except ValidationError as exc:
            self._reject(index, raw, validation_reason(exc))
            return None
        key = (item.source.value, item.external_id)
        if key in self.seen:
            self.result.duplicates += 1
            return None
        self.seen.add(key)
        place = self.lookups.places.get(item.place) if item.place else None
        if item.place and place is None:
            reason = f"place {item.place!r} is not a place of your brands (or is ambiguous)"
            self._reject(index, raw, reason)
            return None
        city = self.lookups.cities.get(item.user_location) if item.user_location else None
        location = resolve_location(item, place[1] if place else None, city)
        return MentionRow(
            mention_id, self.partner_id, key[0], item.external_id, item.text, item.lang or "",
            author_pseudonymise(item.author_id or ""), item.created_at, self.now, item.rating,
            place[0] if place else None, location.lon, location.lat, location.precision_m,
            str(location.provenance),
        )  # fmt: skip


def mentions_ingest(partner: Partner | None, items: list[RawItem]) -> IngestResult:
    """Store every valid item (a retried one is never stored twice) and say why others failed."""
    result = IngestResult()
    batch = _Batch(partner, result, _Lookups.read(partner, items))
    with transaction.atomic():
        result.stored_ids = mentions_store(batch.rows_of(items))
        # Rows stored before (a retry, a concurrent writer) were skipped by the upsert.
        result.duplicates += batch.rows - len(result.stored_ids)
        if result.stored_ids:
            from apps.mentions.pipeline import pipeline_start  # noqa: PLC0415

            stored = list(result.stored_ids)
            transaction.on_commit(lambda: pipeline_start(stored), robust=True)
    result.rejected.sort(key=lambda r: r.index)
    return result
