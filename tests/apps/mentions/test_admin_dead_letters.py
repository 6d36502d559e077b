"""Dead-lettered mentions have an admin page of their own: inspect them, re-drive them."""

from typing import Any

import pytest
from django.test import Client

from apps.mentions.models import Mention, Status
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db
URL = "/admin/mentions/deadmention/"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The ids handed to the pipeline (nothing is enqueued)."""
    calls: list[Any] = []
    monkeypatch.setattr("apps.mentions.admin.pipeline_start", calls.extend)
    return calls


def test_dead_letters_list_their_error_and_attempts(admin_client: Client) -> None:
    MentionFactory.create(
        external_id="poison", status=Status.DEAD, attempts=3, last_error="ValueError: cannot parse"
    )
    MentionFactory.create(external_id="healthy", status=Status.SCORED)
    page = admin_client.get(URL).content.decode()
    assert "poison" in page and "healthy" not in page
    assert "ValueError: cannot parse" in page
    assert '<td class="field-attempts">3</td>' in page


def test_dead_letter_page_shows_the_mention_read_only(admin_client: Client) -> None:
    dead = MentionFactory.create(status=Status.DEAD, attempts=3, last_error="KeyError: 'x'")
    page = admin_client.get(f"{URL}{dead.pk}/change/").content.decode()
    assert "KeyError: &#x27;x&#x27;" in page
    assert 'name="_save"' not in page
    assert admin_client.get(f"{URL}add/").status_code == 403


def test_re_drive_sends_dead_letters_back_to_the_pipeline(
    admin_client: Client, started: list[Any]
) -> None:
    dead = MentionFactory.create(status=Status.DEAD, attempts=3, last_error="boom")
    other = MentionFactory.create(status=Status.DEAD, attempts=3, last_error="boom")
    response = admin_client.post(URL, {"action": "redrive", "_selected_action": [str(dead.pk)]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == (Status.RECEIVED, 0, "")
    assert started == [dead.pk]
    assert Mention.objects.get(pk=other.pk).status == Status.DEAD
    assert str(dead.pk) not in admin_client.get(URL).content.decode()
