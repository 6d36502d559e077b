from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.partners.models import ApiKey, Partner
from tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_create_partner_prints_the_key_once_and_it_works() -> None:
    BrandFactory.create(slug="acme")
    out, err = StringIO(), StringIO()
    call_command(
        "create_partner",
        "Acme Analytics",
        "--brands=acme",
        "--scopes=ingest,read",
        stdout=out,
        stderr=err,
    )
    raw_key = out.getvalue().strip()
    assert raw_key.startswith("vxp_")
    assert "shown only once" in err.getvalue()
    partner = Partner.objects.get(name="Acme Analytics")
    assert list(partner.brands.values_list("slug", flat=True)) == ["acme"]
    key = ApiKey.objects.get(partner=partner)
    assert key.scopes == ["ingest", "read"]
    assert raw_key not in key.key_hash
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_create_partner_rejects_unknown_brands() -> None:
    with pytest.raises(CommandError, match="unknown brands nope"):
        call_command("create_partner", "X", "--brands=nope", stdout=StringIO(), stderr=StringIO())
    assert not Partner.objects.exists()
