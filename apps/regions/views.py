from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.pagination import PageNumberPagination
from apps.common.renderers import GeoJSONRenderer, ORJSONRenderer
from apps.regions import selectors
from apps.regions.serializers import (
    LookupQuerySerializer,
    RegionFeatureSerializer,
    RegionListQuerySerializer,
    RegionSerializer,
)


class GeoJSONPagination(PageNumberPagination):
    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response(
            {
                "type": "FeatureCollection",
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "features": data,
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter(
            "layer", str, description="fr-region, fr-departement, fr-commune, country…"
        ),
        OpenApiParameter("zoom", int, description="web-map zoom the geometry is simplified for"),
        OpenApiParameter("format", str, enum=["json", "geojson"]),
    ]
)
class RegionListView(generics.ListAPIView):
    """Regions of a boundary layer: codes, names, parents and population; GeoJSON on request."""

    renderer_classes = (ORJSONRenderer, GeoJSONRenderer)
    serializer_class = RegionSerializer

    @property
    def wants_geojson(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "geojson"

    @property
    def paginator(self) -> PageNumberPagination:
        if not hasattr(self, "_region_paginator"):
            self._region_paginator = (
                GeoJSONPagination() if self.wants_geojson else PageNumberPagination()
            )
        return self._region_paginator

    def get_queryset(self) -> Any:
        query = RegionListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        layer = query.validated_data.get("layer")
        if self.wants_geojson:
            return selectors.region_list_with_geojson(layer, query.validated_data["zoom"])
        return selectors.region_list(layer)

    def get_serializer_class(self) -> Any:
        return RegionFeatureSerializer if self.wants_geojson else RegionSerializer


class RegionLookupView(APIView):
    """The region of every loaded layer that contains a point."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True),
        ],
        responses=RegionSerializer(many=True),
        examples=[
            OpenApiExample(
                "Paris",
                value={
                    "results": [
                        {
                            "layer": "fr-commune",
                            "code": "75056",
                            "name": "Paris",
                            "population": 2133111,
                            "parent": {"layer": "fr-departement", "code": "75"},
                        }
                    ]
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        regions = selectors.regions_containing(
            query.validated_data["lon"], query.validated_data["lat"]
        )
        return Response({"results": RegionSerializer(regions, many=True).data})


@staff_member_required
@cache_page(60 * 60)
def admin_basemap(request: HttpRequest) -> HttpResponse:
    """Basemap of the admin's map widgets, drawn from our own boundary layers (no tile server)."""
    return HttpResponse(selectors.basemap_geojson(), content_type="application/geo+json")
