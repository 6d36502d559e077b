"""Correcting a mention's label or location from the admin, recorded with its author."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from apps.mentions.corrections import (
    CorrectionError,
    mention_correct_label,
    mention_correct_location,
)
from apps.mentions.models import Mention, MentionCorrection, MentionRegion, Status
from apps.opinion import tasks
from apps.opinion.models import ModelVersion
from apps.regions.services import rebuild_region_parts
from tests.factories import BoundaryLayerFactory, MentionFactory, RegionFactory, square

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/mentions/mention/"


def _scored(**kwargs: Any) -> Mention:
    defaults = {
        "status": Status.SCORED,
        "opinion_label": "positive",
        "opinion_score": 0.8,
        "opinion_confidence": 0.9,
        "model_version": "abc123",
    }
    return MentionFactory.create(**{**defaults, **kwargs})


def test_label_correction_action_asks_then_records_its_author(
    admin_client: Client, admin_user: User
) -> None:
    sarcasm = _scored(text="Génial, encore 40 minutes d'attente")
    other = _scored()
    selected = {"action": "correct_label", "_selected_action": [str(sarcasm.pk)]}
    page = admin_client.post(CHANGELIST, selected).content.decode()
    assert "Correct the label of the selected mentions" in page
    assert "encore 40 minutes" in page and 'name="reason"' in page

    response = admin_client.post(
        CHANGELIST, {**selected, "apply": "Correct", "label": "negative", "reason": "sarcasm"}
    )
    assert response.status_code == 302
    assert "1 label(s) corrected, in your name." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    sarcasm.refresh_from_db()
    assert (sarcasm.opinion_label, sarcasm.opinion_score, sarcasm.opinion_confidence) == (
        "negative",
        -1.0,
        1.0,
    )
    assert sarcasm.model_version == "human:admin"
    correction = MentionCorrection.objects.get()
    assert (correction.mention, correction.changed_by, correction.field) == (
        sarcasm,
        admin_user,
        "label",
    )
    assert correction.old_value == {
        "opinion_label": "positive",
        "opinion_score": 0.8,
        "opinion_confidence": 0.9,
        "model_version": "abc123",
    }
    assert correction.new_value["opinion_label"] == "negative"
    assert correction.reason == "sarcasm"
    other.refresh_from_db()
    assert other.opinion_label == "positive"


def test_corrections_are_listed_on_the_mention_page(admin_client: Client, admin_user: User) -> None:
    mention = _scored()
    mention_correct_label(mention, "neutral", user=admin_user, reason="just a question")
    page = admin_client.get(f"{CHANGELIST}{mention.pk}/change/").content.decode()
    assert "just a question" in page
    assert f"{CHANGELIST}{mention.pk}/correct-label/" in page
    assert f"{CHANGELIST}{mention.pk}/correct-location/" in page
    assert 'name="_save"' not in page  # mentions change through corrections only


def test_label_correction_page_of_one_mention(admin_client: Client, admin_user: User) -> None:
    mention = _scored(text="Caisse automatique en panne, super")
    url = f"{CHANGELIST}{mention.pk}/correct-label/"
    assert mention.text in admin_client.get(url).content.decode()
    missing_reason = admin_client.post(url, {"label": "negative", "reason": ""})
    assert missing_reason.status_code == 200
    assert not MentionCorrection.objects.exists()
    response = admin_client.post(url, {"label": "negative", "reason": "irony"})
    assert response["Location"] == f"{CHANGELIST}{mention.pk}/change/"
    assert MentionCorrection.objects.get().changed_by == admin_user


def test_unscored_mentions_cannot_get_a_label(admin_client: Client) -> None:
    mention = MentionFactory.create(status=Status.RECEIVED)
    response = admin_client.post(
        f"{CHANGELIST}{mention.pk}/correct-label/", {"label": "negative", "reason": "x"}
    )
    assert "not scored yet: wait for the pipeline" in response.content.decode()
    assert not MentionCorrection.objects.exists()


def test_location_correction_relocates_regions_and_cells(
    admin_client: Client, admin_user: User
) -> None:
    layer = BoundaryLayerFactory.create(name="city")
    paris = RegionFactory.create(layer=layer, code="PAR", geom=square(2.35, 48.85, 0.05))
    lyon = RegionFactory.create(layer=layer, code="LYO", geom=square(4.83, 45.76, 0.05))
    rebuild_region_parts("city")
    mention = _scored(precision_m=15)
    MentionRegion.objects.create(mention=mention, layer=layer, region=paris)
    url = f"{CHANGELIST}{mention.pk}/correct-location/"
    form = admin_client.get(url).content.decode()
    assert "new MapWidget" in form and "/static/vendor/ol/ol.js" in form
    assert "https://" not in form.split("<body")[1]  # the map works offline

    new_place = {"point": "SRID=4326;POINT(4.83 45.76)", "precision_m": "", "provenance": "text"}
    response = admin_client.post(url, {**new_place, "reason": "the text says Lyon"})
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.location is not None
    assert mention.location.coords == pytest.approx((4.83, 45.76))
    assert (mention.precision_m, mention.location_provenance) == (5000.0, "text")
    assert mention.status == Status.SCORED
    assert [link.region for link in MentionRegion.objects.filter(mention=mention)] == [lyon]
    assert (mention.h3_r5 != "", mention.h3_r6) == (True, "")  # 5 km: too coarse for r6
    correction = MentionCorrection.objects.get()
    assert (correction.field, correction.changed_by) == ("location", admin_user)
    assert correction.old_value["lon"] == 2.35 and correction.new_value["lon"] == 4.83


def test_location_correction_checks_its_input(admin_user: User) -> None:
    mention = _scored()
    with pytest.raises(CorrectionError, match="not a point on Earth"):
        mention_correct_location(mention, 200, 0, None, user=admin_user, reason="x")
    with pytest.raises(CorrectionError, match="the reason is kept for audit"):
        mention_correct_location(mention, 2, 48, None, user=admin_user, reason=" ")
    with pytest.raises(CorrectionError, match="provenance must be one of"):
        mention_correct_location(mention, 2, 48, 10, user=admin_user, reason="x", provenance="none")
    assert not MentionCorrection.objects.exists()


def test_corrected_labels_survive_a_rescore(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    corrected, machine = _scored(), _scored()
    mention_correct_label(corrected, "negative", user=admin_user, reason="irony")

    class Predictor:
        version = "newer"

        def predict(self, texts: list[str], langs: list[str]) -> list[SimpleNamespace]:
            assert len(langs) == len(texts)  # scored with each mention's language
            return [SimpleNamespace(label="neutral", score=0.0, confidence=0.5) for _ in texts]

    promoted = ModelVersion.objects.create(version="newer", path="/x", is_promoted=True)
    monkeypatch.setattr(tasks, "current_predictor", Predictor)
    assert tasks.rescore_mentions(promoted.pk) == 1
    machine.refresh_from_db()
    assert (machine.opinion_label, machine.model_version) == ("neutral", "newer")
    corrected.refresh_from_db()
    assert (corrected.opinion_label, corrected.model_version) == ("negative", "human:admin")
    promoted.refresh_from_db()
    assert (promoted.rescore_done, promoted.rescore_total) == (1, 1)


def test_mentions_filter_by_model_version(admin_client: Client) -> None:
    _scored(external_id="by-model", model_version="abc123")
    _scored(external_id="by-person", model_version="human:admin")
    page = admin_client.get(f"{CHANGELIST}?model_version=human%3Aadmin").content.decode()
    assert "by-person" in page and "by-model" not in page
    filters = admin_client.get(CHANGELIST).content.decode()
    for name in ("status", "location_provenance", "opinion_label", "source"):
        assert f"?{name}__exact=" in filters
    assert "?lang=fr" in filters
