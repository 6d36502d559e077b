from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.brands.selectors import brand_list
from apps.insights.filters import entitled_brands


class BrandListView(APIView):
    """The brands this key may read (its own and their competitors), with their competitors."""

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Brands",
                value={
                    "results": [
                        {
                            "slug": "carrefour",
                            "name": "Carrefour",
                            "competitors": ["auchan", "leclerc"],
                            "places": 4,
                        }
                    ]
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        brands = entitled_brands(request.user, request.auth)
        return Response({"results": brand_list(brands)})
