"""Service: validate a batch of raw items, locate them, store the valid ones in one COPY."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from apps.brands.models import Place
from apps.mentions.locations import resolve_location
from apps.mentions.parsing import RawItem
from apps.mentions.schemas import MentionIn
from apps.mentions.services import author_pseudonymise
from apps.mentions.store import MentionRow, mentions_store
from apps.partners.models import Partner
from apps.regions.selectors import cities_for_location_texts


@dataclass
class Rejection:
    index: int
    external_id: str | None
    reason: str


@dataclass
class IngestResult:
    stored_ids: list[uuid.UUID] = field(default_factory=list)
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


def _validate(items: list[RawItem], result: IngestResult) -> list[tuple[int, MentionIn]]:
    valid, seen = [], set()
    for index, raw in enumerate(items):
        external_id = raw.value.get("external_id") if isinstance(raw.value, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        if raw.error:
            result.rejected.append(Rejection(index, external_id, raw.error))
            continue
        try:
            item = MentionIn.model_validate(raw.value)
        except ValidationError as exc:
            result.rejected.append(Rejection(index, external_id, validation_reason(exc)))
            continue
        key = (item.source, item.external_id)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        valid.append((index, item))
    return valid


def _place_points(partner: Partner | None, external_ids: set[str]) -> dict[str, Any]:
    places = Place.objects.filter(external_id__in=external_ids)
    if partner is not None:
        places = places.filter(brand__partners=partner)
    found: dict[str, Any] = {}
    for external_id, place_id, point in places.values_list("external_id", "id", "point"):
        found[external_id] = None if external_id in found else (place_id, (point.x, point.y))
    return found  # None marks an external id shared by two brands' places: ambiguous


def mentions_ingest(partner: Partner | None, items: list[RawItem]) -> IngestResult:
    """Store every valid item (a retried one is never stored twice) and say why others failed."""
    result = IngestResult()
    valid = _validate(items, result)
    places = _place_points(partner, {i.place for _, i in valid if i.place})
    cities = cities_for_location_texts({i.user_location for _, i in valid if i.user_location})
    now = dt.datetime.now(dt.UTC)
    rows = []
    for index, item in valid:
        place = places.get(item.place) if item.place else None
        if item.place and place is None:
            reason = f"place {item.place!r} is not a place of your brands (or is ambiguous)"
            result.rejected.append(Rejection(index, item.external_id, reason))
            continue
        city = cities.get(item.user_location) if item.user_location else None
        location = resolve_location(item, place[1] if place else None, city)
        rows.append(_row(partner, item, place[0] if place else None, location, now))
    result.rejected.sort(key=lambda r: r.index)
    with transaction.atomic():
        result.stored_ids = mentions_store(rows)
        result.duplicates += len(rows) - len(result.stored_ids)
        if result.stored_ids:
            from apps.mentions.pipeline import pipeline_start  # noqa: PLC0415

            stored = list(result.stored_ids)
            transaction.on_commit(lambda: pipeline_start(stored), robust=True)
    return result


def _row(
    partner: Partner | None, item: MentionIn, place_id: int | None, location: Any, now: dt.datetime
) -> MentionRow:
    return MentionRow(
        id=uuid.uuid4(),
        partner_id=partner.pk if partner else None,
        source=item.source.value,
        external_id=item.external_id,
        text=item.text,
        lang=item.lang or "",
        author_hash=author_pseudonymise(item.author_id or ""),
        created_at=item.created_at,
        received_at=now,
        rating=item.rating,
        place_id=place_id,
        lon=location.lon,
        lat=location.lat,
        precision_m=location.precision_m,
        provenance=str(location.provenance),
    )
