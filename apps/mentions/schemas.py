"""What a client may send for one mention. Validation only; storing is in services."""

import datetime as dt
import math
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from apps.mentions.models import LocationProvenance, Source

TEXT_MAX_CHARS = 5000
FUTURE_TOLERANCE = dt.timedelta(hours=1)
OLDEST_ACCEPTED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# C0 controls and DEL, but not tab, newline or carriage return. C1 controls (U+0080-U+009F)
# are kept: they are what mis-encoded text from real sources is made of.
FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SERVER_SET_FIELDS = frozenset(
    {
        "id", "partner", "brands", "brand_matches", "opinion_label", "opinion_score",
        "opinion_confidence", "model_version", "status", "author_hash", "received_at",
        "precision_m", "location_provenance", "region", "regions", "h3", "attempts",
    }
)  # fmt: skip
CLIENT_LOCATION_SOURCES = [p.value for p in LocationProvenance if p != LocationProvenance.NONE]

# The same rules as patterns, checked by pydantic-core without a Python call per item;
# `validation_reason` names the character at fault.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
NOT_BLANK_NO_CONTROL = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
)
CONTROL_PATTERNS = (NO_CONTROL, NOT_BLANK_NO_CONTROL)
ShortText = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_CONTROL)]


def validation_reason(error: ValidationError) -> str:
    """One sentence per problem, naming the field."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"])
        parts.append(f"{where}: {_message(problem)}" if where else _message(problem))
    return "; ".join(parts)


def _message(problem: ErrorDetails) -> str:
    if problem["type"] == "extra_forbidden" and problem["loc"][0] in SERVER_SET_FIELDS:
        return "set by voxpop, it cannot be sent"
    pattern = problem.get("ctx", {}).get("pattern")
    if problem["type"] == "string_pattern_mismatch" and pattern in CONTROL_PATTERNS:
        value = problem["input"]
        # Bytes (a Parquet binary column) are validated as the UTF-8 text they decode to.
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        match = FORBIDDEN_CONTROL.search(text)
        if match:
            return f"contains the control character U+{ord(match.group()):04X}"
        return "text is empty"
    return problem["msg"].removeprefix("Value error, ")


class PointGeometry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["Point"]
    coordinates: Annotated[list[float], Field(min_length=2, max_length=3)]


class MentionIn(BaseModel):
    """One mention as a mobile app or partner sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, strict=False)

    source: Source
    external_id: ShortText
    text: Annotated[str, Field(max_length=TEXT_MAX_CHARS, pattern=NOT_BLANK_NO_CONTROL)]
    created_at: dt.datetime
    lang: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] | None = None
    author_id: ShortText | None = None
    rating: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None
    place: ShortText | None = None
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    geometry: PointGeometry | None = None
    accuracy_m: Annotated[float, Field(ge=0, le=20_000_000, allow_inf_nan=False)] | None = None
    location_source: Literal[tuple(CLIENT_LOCATION_SOURCES)] | None = None  # type: ignore[valid-type]
    user_location: Annotated[str, Field(max_length=200, pattern=NO_CONTROL)] | None = None

    @field_validator("created_at")
    @classmethod
    def _created_at(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        # A batch passes its receipt time as context: one clock read per batch, not per item.
        now = (info.context or {}).get("now") or dt.datetime.now(dt.UTC)
        if value > now + FUTURE_TOLERANCE:
            raise ValueError("created_at is more than an hour in the future")
        if value < OLDEST_ACCEPTED:
            raise ValueError("created_at is before 2000")
        return value

    @model_validator(mode="after")
    def _location(self) -> "MentionIn":
        if self.geometry is not None:
            if self.lat is not None or self.lon is not None:
                raise ValueError("send either lat/lon or geometry, not both")
            lon, lat = self.geometry.coordinates[:2]
            for value, low, high, name in (
                (lat, -90, 90, "latitude"),
                (lon, -180, 180, "longitude"),
            ):
                if not math.isfinite(value) or not low <= value <= high:
                    raise ValueError(f"geometry {name} {value} is outside [{low}, {high}]")
            self.lat, self.lon, self.geometry = lat, lon, None
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: send both or neither")
        if self.lat == 0 and self.lon == 0:
            raise ValueError("(0, 0) is the 'null island' placeholder, not a real location")
        return self
