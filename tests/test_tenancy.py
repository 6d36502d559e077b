"""Tenancy over every route of the project: partner A never gets partner B's brands' data.

`ROUTE_CASES` must name every URL pattern; a new route without a case fails
`test_every_route_has_a_tenancy_case`, so that nobody adds an endpoint without deciding how it
is scoped.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import mapbox_vector_tile
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from apps.mentions.models import Mention
from apps.partners.services import api_key_create
from tests.insights_world import EAST, WEST, Seeder, World


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or route


def all_routes() -> dict[str, str]:
    """name → route of every URL pattern, admin ones included (as `admin:<route>`)."""
    routes = {}
    for route, name in _routes(get_resolver().url_patterns):
        key = f"admin:{route}" if route.startswith("admin/") and name != "admin-basemap" else name
        routes[key] = route
    return routes


def concrete(route: str, **values: str) -> str:
    """A URL for a route pattern: converters filled with the given values, else a placeholder."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def fill(match: re.Match) -> str:
        name = match.group("name")
        return values.get(name, "1")

    url = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)
    url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, url)
    return "/" + url


@pytest.fixture
def tenants(world: World, seed: Seeder) -> dict[str, Any]:
    """A's alpha mentions in the west; B's gamma mentions in the east, by author "shared-1"."""
    seed(world.alpha, 12, WEST)
    gamma = seed(world.gamma, 12, EAST, label="negative")
    Mention.objects.filter(pk=gamma[0].pk).update(author_hash="shared-1")
    keys = {
        name: api_key_create(partner, ("read", "ingest")).raw_key
        for name, partner in (("a", world.partner_a), ("b", world.partner_b))
    }
    clients = {}
    for name, key in keys.items():
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return {"clients": clients, "gamma_mention": gamma[0], "world": world}


Case = Callable[[dict[str, Any], str], None]


def no_partner_data(tenants: dict[str, Any], route: str) -> None:
    """Reference data or service routes: answer alike for every partner, never a brand's data."""
    url = concrete(route)
    a = tenants["clients"]["a"].get(url)
    assert a.status_code != 500  # health answers 503 here: no worker runs in this test
    assert b"gamma" not in a.content


def staff_only(tenants: dict[str, Any], route: str) -> None:
    """Admin pages ignore API keys: a partner's key is sent to the login page."""
    response = tenants["clients"]["a"].get(concrete(route))
    if route == "admin/login/":
        assert response.status_code == 200 and b'name="password"' in response.content
        return
    assert response.status_code in (301, 302, 403, 404, 405), response.status_code
    assert b"gamma" not in response.content


def insight(tenants: dict[str, Any], route: str) -> None:
    """A's figures hold none of gamma; asking for gamma is refused; B does see gamma."""
    params = {"layer": "fr-region", "res": 6, "figure": "regions", "a_to": "2030-01-01T00:00:00Z"}
    a, b = tenants["clients"]["a"], tenants["clients"]["b"]
    url = concrete(route)
    mine = a.get(url, params)
    assert mine.status_code == 200, mine.content
    assert b"gamma" not in mine.content and "-0.8" not in mine.content.decode()
    assert a.get(url, {**params, "brand": "gamma"}).status_code == 400
    assert b"gamma" in b.get(url, params).content


def mention_detail(tenants: dict[str, Any], route: str) -> None:
    url = concrete(route, mention_id=str(tenants["gamma_mention"].pk))
    assert tenants["clients"]["a"].get(url).status_code == 404
    assert tenants["clients"]["b"].get(url).status_code == 200


def tiles(tenants: dict[str, Any], route: str) -> None:
    a, b = tenants["clients"]["a"], tenants["clients"]["b"]
    for layer, zxy in (("fr-region", "5/16/11"), ("h3", "5/16/11"), ("points", "12/2082/1447")):
        url = concrete(route, layer=layer).replace("/1/1/1.mvt", f"/{zxy}.mvt")
        mine = a.get(url)
        assert mine.status_code == 200
        assert "gamma" not in mapbox_vector_tile.decode(mine.content)
        assert a.get(url, {"brand": "gamma"}).status_code == 400
    assert "gamma" in mapbox_vector_tile.decode(
        b.get(concrete(route, layer="fr-region").replace("/1/1/1.mvt", "/5/16/11.mvt")).content
    )


def ingest(tenants: dict[str, Any], route: str) -> None:
    """An Idempotency-Key is per partner: A replaying B's key gets its own execution."""
    item = {
        "source": "post",
        "external_id": "x-1",
        "text": "hello",
        "created_at": "2026-11-01T10:00:00Z",
    }
    a, b = tenants["clients"]["a"], tenants["clients"]["b"]
    first = b.post(concrete(route), [item], format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**item, "external_id": "x-2"}
    second = a.post(concrete(route), [other], format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 202
    world = tenants["world"]
    assert Mention.objects.filter(external_id="x-2", partner=world.partner_a).exists()
    assert Mention.objects.filter(external_id="x-1", partner=world.partner_b).exists()


def erasure(tenants: dict[str, Any], route: str) -> None:
    """A erasing an author never touches the mentions B sent by that author."""
    from apps.mentions.services import author_pseudonymise  # noqa: PLC0415

    gamma = tenants["gamma_mention"]
    Mention.objects.filter(pk=gamma.pk).update(
        author_hash=author_pseudonymise("shared-1"), partner=tenants["world"].partner_b
    )
    response = tenants["clients"]["a"].delete(concrete(route, author_id="shared-1"))
    assert response.status_code == 200 and response.json() == {"deleted": 0}
    assert Mention.objects.filter(pk=gamma.pk).exists()


def brand_list(tenants: dict[str, Any], route: str) -> None:
    """A lists its brands and their competitors, never B's; B lists gamma."""
    a, b = tenants["clients"]["a"], tenants["clients"]["b"]
    mine = a.get(concrete(route))
    assert mine.status_code == 200
    assert {brand["slug"] for brand in mine.json()["results"]} == {"alpha", "beta"}
    assert b"gamma" not in mine.content
    assert [brand["slug"] for brand in b.get(concrete(route)).json()["results"]] == ["gamma"]


ROUTE_CASES: dict[str, Case] = {
    "health": no_partner_data,
    "admin-basemap": staff_only,
    "dashboard": staff_only,
    "brand-list": brand_list,
    "schema": no_partner_data,
    "docs": no_partner_data,
    "redoc": no_partner_data,
    "region-list": no_partner_data,
    "region-lookup": no_partner_data,
    "opinion-predict": no_partner_data,
    "mention-batch": ingest,
    "author-erase": erasure,
    "insights-mentions": insight,
    "insights-mention-detail": mention_detail,
    "insights-regions": insight,
    "insights-h3": insight,
    "insights-hotspots": insight,
    "insights-timeseries": insight,
    "insights-share-of-voice": insight,
    "insights-places": insight,
    "insights-compare": insight,
    "tiles": tiles,
}


def case_for(name: str) -> Case | None:
    return staff_only if name.startswith("admin:") else ROUTE_CASES.get(name)


def test_every_route_has_a_tenancy_case() -> None:
    missing = sorted(name for name in all_routes() if case_for(name) is None)
    assert not missing, f"Routes without a tenancy case in tests/test_tenancy.py: {missing}"


@pytest.mark.parametrize(("name", "route"), sorted(all_routes().items()))
def test_partner_a_never_gets_partner_b_data(
    tenants: dict[str, Any], name: str, route: str
) -> None:
    case = case_for(name)
    assert case is not None
    case(tenants, route)
