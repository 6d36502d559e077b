"""Every insights endpoint is in the OpenAPI schema, with its filters and an example."""

from django.core.management import call_command
from rest_framework.test import APIClient

INSIGHTS = ("mentions", "regions", "h3", "hotspots", "timeseries", "share-of-voice", "places",
            "compare")  # fmt: skip


def test_schema_documents_each_endpoint_with_filters_and_examples(read_client: APIClient) -> None:
    schema = read_client.get("/api/v1/schema/", {"format": "json"}).json()
    for name in INSIGHTS:
        operation = schema["paths"][f"/api/v1/insights/{name}/"]["get"]
        parameters = {p["name"] for p in operation["parameters"]}
        assert {"brand", "from", "to", "bbox", "near", "polygon", "region"} <= parameters
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert "/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt" in schema["paths"]


def test_schema_generates_without_a_warning(tmp_path: object) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp_path}/s.yaml")
