from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer


class ORJSONRenderer(BaseRenderer):
    """JSON through orjson: several times faster than the stdlib encoder on large lists."""

    media_type = "application/json"
    format = "json"
    charset = None
    options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=str, option=self.options)


class GeoJSONRenderer(ORJSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"
