"""A key, its partner and the brands the partner may read come back from one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.brands.selectors import brands_entitled
from apps.partners.models import Partner
from apps.partners.selectors import api_key_by_hash
from apps.partners.services import api_key_hash
from tests.conftest import KeyMaker
from tests.factories import BrandFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _as_compared(brands: dict) -> list[tuple]:
    return [(slug, b.pk, b.name, sorted(b.rival_ids)) for slug, b in brands.items()]


def test_the_key_carries_its_partners_brands_and_their_competitors(
    partner: Partner, make_key: KeyMaker
) -> None:
    own, rival, stranger = (
        BrandFactory.create(name="Own"),
        BrandFactory.create(name="Rival"),
        BrandFactory.create(),
    )
    own.competitors.add(rival)
    rival.competitors.add(stranger)  # a competitor's competitor is not the partner's to read
    partner.brands.add(own)
    PartnerFactory.create().brands.add(stranger)
    key = make_key(("read",))

    with CaptureQueriesContext(connection) as queries:
        api_key = api_key_by_hash(api_key_hash(key.raw_key))
    assert len(queries) == 1
    assert api_key is not None and api_key.entitled_brands is not None
    assert list(api_key.entitled_brands) == [own.slug, rival.slug]  # by name
    assert _as_compared(api_key.entitled_brands) == _as_compared(brands_entitled(partner.pk))
    assert api_key.entitled_brands[own.slug].rival_ids == [rival.pk]  # type: ignore[attr-defined]


def test_a_partner_without_brands_reads_none(make_key: KeyMaker) -> None:
    BrandFactory.create()
    api_key = api_key_by_hash(api_key_hash(make_key(("read",)).raw_key))
    assert api_key is not None and api_key.entitled_brands == {}
