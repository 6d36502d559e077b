"""Turn a batch request body into a list of raw items, or say precisely why it cannot be read."""

import json
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

MAX_BODY_BYTES = 1_000_000
MAX_ITEMS = 1_000
# An item is an object of scalars plus, at most, a GeoJSON geometry and properties.
MAX_DEPTH = 6
_CONTAINERS = frozenset({dict, list})
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")


class BodyError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True)
class RawItem:
    value: Any
    error: str | None = None


def decompress(body: bytes, content_encoding: str) -> bytes:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
        return body
    if encoding not in ("gzip", "x-gzip"):
        raise BodyError(415, "unsupported_encoding", f"Content-Encoding {encoding!r}: send gzip.")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_BODY_BYTES + 1)
    except zlib.error as exc:
        raise BodyError(400, "bad_gzip", f"The gzip body cannot be decompressed: {exc}.") from exc
    if len(data) > MAX_BODY_BYTES:
        raise _too_large()
    if not inflater.eof:
        raise BodyError(400, "bad_gzip", "The gzip body is truncated.")
    return data


def _too_large() -> BodyError:
    return BodyError(413, "payload_too_large", "Bodies are limited to 1 MB once decompressed; "
                     "split the batch.")  # fmt: skip


def parse_items(data: bytes, content_type: str) -> list[RawItem]:
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    if media_type in NDJSON_TYPES:
        items = _ndjson_items(data)
    elif media_type in ("application/json", "application/geo+json", ""):
        items = _json_items(data)
    else:
        detail = (
            f"Content-Type {media_type!r}: send application/json, application/geo+json "
            "or application/x-ndjson."
        )
        raise BodyError(415, "unsupported_media_type", detail)
    if len(items) > MAX_ITEMS:
        raise BodyError(
            413, "too_many_items", f"{len(items)} items: at most {MAX_ITEMS} a request."
        )
    if not items:
        raise BodyError(400, "empty_batch", "The batch holds no items.")
    return items


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as first_error:
        # The stdlib parser accepts NaN and Infinity, so one such value costs one item, not all.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not valid UTF-8 at byte {exc.start}") from exc
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"malformed JSON: {first_error}") from first_error


def _json_items(data: bytes) -> list[RawItem]:
    try:
        document = _loads(data)
    except ValueError as exc:
        raise BodyError(400, "malformed_json", f"The body is {exc}.") from exc
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise BodyError(400, "malformed_geojson", "A FeatureCollection needs a features array.")
        return [from_feature(feature) for feature in features]
    if not isinstance(document, list):
        raise BodyError(400, "malformed_json", "Send a JSON array of mentions, NDJSON, or a "
                        "GeoJSON FeatureCollection.")  # fmt: skip
    return [checked(value) for value in document]


def _ndjson_items(data: bytes) -> list[RawItem]:
    items = []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            items.append(checked(_loads(line)))
        except ValueError as exc:
            items.append(RawItem(None, f"this line is {exc}"))
    return items


def from_feature(feature: Any) -> RawItem:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return RawItem(feature, "not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return RawItem(feature, "Feature properties must be an object")
    item = dict(properties)
    if feature.get("geometry") is not None:
        item["geometry"] = feature["geometry"]
    return checked(item)


def checked(value: Any) -> RawItem:
    if not isinstance(value, dict):
        return RawItem(value, "each item must be a JSON object")
    # Most items are flat objects of scalars: only walk those that nest.
    nested = not _CONTAINERS.isdisjoint(map(type, value.values()))
    if nested and _depth(value) > MAX_DEPTH:
        return RawItem(None, f"the item is nested deeper than {MAX_DEPTH} levels")
    return RawItem(value)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest
