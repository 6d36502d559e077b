"""Insights endpoints: each validates its parameters and hands them to a selector."""

import uuid
from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.brands.models import Brand
from apps.common.renderers import GeoJSONRenderer, ORJSONRenderer
from apps.insights import params as p
from apps.insights.docs import EXAMPLES
from apps.insights.filters import (
    InsightFilter,
    InsightFilterSerializer,
    entitled_brands,
    insight_filter_from,
)
from apps.insights.selectors import compare, hotspots, mentions, places, spatial, temporal, tiles
from apps.insights.selectors.scope import BrandScope, brand_scope
from apps.partners.key_checks import KeyCheckedInReadMixin


def _validated(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class InsightView(KeyCheckedInReadMixin, APIView):
    """Shared by every insights endpoint: the filter grammar and the caller's brands. An API key
    this process looked up before is checked in the read's first statement (`key_checks`)."""

    renderer_classes = (ORJSONRenderer, GeoJSONRenderer)

    def filtered(self, request: Request) -> tuple[InsightFilter, BrandScope]:
        query, brands = self.query_and_brands(request)
        return query, brand_scope(query.brand_ids, brands)

    def query_and_brands(self, request: Request) -> tuple[InsightFilter, dict[str, Brand]]:
        """The filters, and the brands the caller may read (slug → brand)."""
        brands = entitled_brands(request.user, request.auth)
        return insight_filter_from(request.query_params, brands), brands


def _schema(name: str, params: type | None = None, **kwargs: Any) -> Callable:
    parameters: list[Any] = [InsightFilterSerializer]
    if params is not None:
        parameters.append(params)
    return extend_schema(
        parameters=parameters, responses={200: OpenApiTypes.OBJECT}, examples=EXAMPLES[name],
        **kwargs,
    )  # fmt: skip


class MentionListView(InsightView):
    """Matching mentions, newest first; only mentions precise enough appear as (snapped) points."""

    @_schema("mentions", p.MentionParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        options = _validated(p.MentionParams, request)
        page = mentions.mention_page(query, scope, options.get("cursor"), options["limit"])
        if page["next_cursor"]:
            params = request.query_params.copy()
            params["cursor"] = page["next_cursor"]
            page["next"] = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(page)


class MentionDetailView(InsightView):
    """One mention, if it is about a brand this key may read; 404 otherwise."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="insights_mention_detail")
    def get(self, request: Request, mention_id: uuid.UUID) -> Response:
        brands = entitled_brands(request.user, request.auth)
        scope = brand_scope([brand.pk for brand in brands.values()], brands)
        feature = mentions.mention_detail(mention_id, scope)
        if feature is None:
            raise NotFound("No such mention for this key.")
        return Response(feature)


class RegionFiguresView(InsightView):
    """The choropleth: figures per region of a layer, geometry simplified for a zoom."""

    @_schema("regions", p.RegionParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        options = _validated(p.RegionParams, request)
        return Response(
            spatial.region_figures(
                query, scope, options["layer"], options["zoom"], options["geometry"]
            )
        )


class H3FiguresView(InsightView):
    """The same figures per H3 cell of a resolution."""

    @_schema("h3", p.H3Params)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        return Response(spatial.h3_figures(query, scope, _validated(p.H3Params, request)["res"]))


class HotspotView(InsightView):
    """Getis-Ord Gi* hot and cold spots of volume and net sentiment, FDR-controlled."""

    @_schema("hotspots", p.HotspotParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        options = _validated(p.HotspotParams, request)
        return Response(hotspots.hotspots(query, scope, options.get("res"), options.get("layer")))


class TimeseriesView(InsightView):
    """Volume and sentiment per day, week or month, anomalous buckets flagged."""

    @_schema("timeseries", p.TimeseriesParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        interval = _validated(p.TimeseriesParams, request)["interval"]
        return Response(temporal.timeseries(query, scope, interval))


class ShareOfVoiceView(InsightView):
    """Per region, each brand's share among the brand and its competitors."""

    @_schema("share-of-voice", p.LayerParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        layer = _validated(p.LayerParams, request)["layer"]
        return Response(spatial.share_of_voice(query, scope, layer))


class PlaceRankingView(InsightView):
    """The brand's places ranked by the sentiment of mentions around them."""

    @_schema("places", p.PlaceParams)
    def get(self, request: Request) -> Response:
        query, scope = self.filtered(request)
        radius = _validated(p.PlaceParams, request)["radius_m"]
        return Response(places.place_rankings(query, scope, radius))


class TileView(InsightView):
    """A Mapbox vector tile: `points` from zoom 12, `h3` or a boundary layer's aggregates."""

    @extend_schema(
        parameters=[InsightFilterSerializer, p.TileParams],
        responses={
            (200, "application/vnd.mapbox-vector-tile"): OpenApiResponse(OpenApiTypes.BINARY)
        },
    )
    def get(self, request: Request, layer: str, z: int, x: int, y: int) -> Any:
        from django.http import HttpResponse  # noqa: PLC0415

        tiles.check_tile(z, x, y)
        if layer == "points":
            body = tiles.points_tile(self.query_and_brands(request)[0], z, x, y)
        else:
            query, scope = self.filtered(request)
            res = _validated(p.TileParams, request).get("res")
            body = tiles.aggregate_tile(query, scope, layer, (z, x, y), res)
        return HttpResponse(body, content_type="application/vnd.mapbox-vector-tile")


# The parameters of each figure `compare` can show, validated as its own endpoint does.
FIGURE_PARAMS: dict[str, type] = {
    "regions": p.RegionParams,
    "h3": p.H3Params,
    "timeseries": p.TimeseriesParams,
    "share-of-voice": p.LayerParams,
    "places": p.PlaceParams,
    "hotspots": p.HotspotParams,
}


class CompareView(InsightView):
    """Two periods or two brands side by side on one figure (regions, h3, timeseries, …)."""

    @_schema("compare", p.CompareParams)
    def get(self, request: Request) -> Response:
        options = _validated(p.CompareParams, request)
        options |= _validated(FIGURE_PARAMS[options["figure"]], request)
        figure = compare.figure_reader(options["figure"], options)
        if options.get("a_brand"):
            query, brands = self.query_and_brands(request)
            pair = (options["a_brand"], options["b_brand"])
            return Response(compare.compare_brands(query, brands, figure, pair))
        query, scope = self.filtered(request)
        return Response(compare.compare_periods(query, scope, figure, options))
