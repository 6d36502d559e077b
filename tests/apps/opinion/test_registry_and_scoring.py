"""A tiny model trained through the real code path, registered, promoted, used everywhere."""

from io import StringIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.mentions.models import Mention, Status
from apps.opinion.models import ModelVersion, Promotion
from apps.opinion.scoring import mentions_score
from apps.opinion.services import model_version_promote, model_version_register
from apps.opinion.tasks import rescore_mentions
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def promoted(tiny_model_dir: Path, monkeypatch: Any) -> ModelVersion:
    from apps.opinion import tasks  # noqa: PLC0415

    monkeypatch.setattr(tasks.rescore_mentions, "delay", lambda *a: None)
    model_version_register(tiny_model_dir)
    return model_version_promote(tiny_model_dir.name)


def test_registered_version_records_config_metrics_and_data(tiny_model_dir: Path) -> None:
    version = model_version_register(tiny_model_dir)
    assert version.version == tiny_model_dir.name and len(version.version) == 16
    assert version.config["frozen_layers"] == 11
    assert "dev_mean_source_macro_f1" in version.metrics
    assert len(version.data_fingerprint) == 64
    assert model_version_register(tiny_model_dir).pk == version.pk
    size = sum(f.stat().st_size for f in tiny_model_dir.iterdir())
    assert size < 20 * 1024 * 1024


def test_scoring_stage_records_the_model_version(promoted: ModelVersion) -> None:
    mentions = [MentionFactory.create(status=Status.ENRICHED, text=t)
                for t in ("I love it", "Je déteste ça", "ok")]  # fmt: skip
    assert set(mentions_score([m.id for m in mentions])) == {m.id for m in mentions}
    for mention in Mention.objects.all():
        assert mention.status == Status.SCORED
        assert mention.model_version == promoted.version
        assert mention.opinion_label in {"negative", "neutral", "positive"}
        assert mention.opinion_score is not None and -1 <= mention.opinion_score <= 1
        assert mention.opinion_confidence is not None and 0 < mention.opinion_confidence <= 1


def test_promotion_rescores_and_rollback_returns(tiny_model_dir: Path, promoted: ModelVersion,
                                                 tmp_path: Path) -> None:  # fmt: skip
    mention = MentionFactory.create(
        status=Status.SCORED, model_version="old", opinion_label="neutral"
    )
    assert rescore_mentions(promoted.pk) == 1
    mention.refresh_from_db()
    assert mention.model_version == promoted.version
    promoted.refresh_from_db()
    assert (promoted.rescore_done, promoted.rescore_total) == (1, 1)
    assert rescore_mentions(promoted.pk) == 0  # idempotent

    copy = tmp_path / "feedfacecafebeef"
    copy.mkdir()
    for item in tiny_model_dir.iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    call_command("register_model", str(copy), stdout=StringIO())
    call_command("promote_model", "feedfacecafebeef", stdout=StringIO())
    assert ModelVersion.objects.get(is_promoted=True).version == "feedfacecafebeef"
    call_command("rollback_model", stdout=StringIO())
    assert ModelVersion.objects.get(is_promoted=True).version == promoted.version
    assert Promotion.objects.count() == 3


def test_unknown_version_cannot_be_promoted() -> None:
    with pytest.raises(CommandError, match="no model version 'nope'"):
        call_command("promote_model", "nope", stdout=StringIO())


def test_predict_endpoint(read_client: APIClient, promoted: ModelVersion) -> None:
    response = read_client.post("/api/v1/opinion/predict", {"texts": ["Great!", "Nul."]},
                                format="json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == promoted.version
    assert [set(r) for r in body["results"]] == [{"label", "score", "confidence", "lang"}] * 2
    too_many = read_client.post("/api/v1/opinion/predict", {"texts": ["x"] * 101}, format="json")
    assert too_many.status_code == 400


def test_predict_without_a_promoted_model_is_503(read_client: APIClient) -> None:
    response = read_client.post("/api/v1/opinion/predict", {"texts": ["x"]}, format="json")
    assert response.status_code == 503
    assert "promote" in response.json()["detail"]


def test_predict_opinion_command_scores_a_file(promoted: ModelVersion, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "super", "lang": "fr"}\n{"text": "awful"}\n')
    target = tmp_path / "out.jsonl"
    call_command("predict_opinion", f"--input={source}", f"--output={target}", stdout=StringIO())
    rows = [orjson.loads(line) for line in target.open("rb")]
    assert [r["text"] for r in rows] == ["super", "awful"]
    assert all(r["model_version"] == promoted.version and "label" in r for r in rows)


def test_evaluate_opinion_reports_model_against_baselines(
    promoted: ModelVersion, tmp_path: Path
) -> None:
    from tests.ml.opinion_rows import ROWS, write_rows  # noqa: PLC0415

    data = write_rows(tmp_path / "labelled.jsonl", ROWS)
    out = StringIO()
    call_command("evaluate_opinion", f"--data={data}", f"--train={data}",
                 f"--out={tmp_path / 'reports'}", stdout=out)  # fmt: skip
    report = orjson.loads((tmp_path / "reports" / f"{promoted.version}-labelled.json").read_bytes())
    assert report["model_version"] == promoted.version
    assert set(report["systems"]) >= {"model", "lexicon", "tfidf"}
    assert "## Calibration (ECE)" in out.getvalue()


def test_training_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    from django.conf import settings  # noqa: PLC0415

    from ml.train import main  # noqa: PLC0415

    config = tmp_path / "det.yaml"
    base = (Path(settings.BASE_DIR) / "ml" / "configs" / "tiny.yaml").read_text()
    config.write_text(base.replace("train_limit: 300", "train_limit: 64")
                      .replace("dev_limit: 100", "dev_limit: 32"))  # fmt: skip
    args = ["--config", str(config), "--data-dir", str(settings.VOXPOP_DATA_DIR)]
    first = main([*args, "--out", str(tmp_path / "a")])
    second = main([*args, "--out", str(tmp_path / "b")])
    assert first == second  # the version is a hash of the trained weights and config


def test_predict_endpoint_reads_each_text_in_its_language(
    read_client: APIClient, promoted: ModelVersion
) -> None:
    texts = ["Great service, I really love this shop and its staff!",
             "Service nul, je ne reviendrai jamais dans ce magasin."]  # fmt: skip
    url = "/api/v1/opinion/predict"
    detected = read_client.post(url, {"texts": texts}, format="json").json()["results"]
    assert [r["lang"] for r in detected] == ["en", "fr"]
    given = read_client.post(url, {"texts": texts, "langs": ["fr", None]}, format="json")
    assert [r["lang"] for r in given.json()["results"]] == ["fr", "fr"]
    mismatch = read_client.post(url, {"texts": texts, "langs": ["en"]}, format="json")
    assert mismatch.status_code == 400 and "one language per text" in str(mismatch.json())
    for bad in (["en-US", "fr"], [5, "fr"], "en,fr"):
        response = read_client.post(url, {"texts": texts, "langs": bad}, format="json")
        assert response.status_code == 400, bad


def test_mentions_are_scored_with_their_language_biases(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    from ml.artifact import load_artifact, save_artifact  # noqa: PLC0415

    model, _, config = load_artifact(tiny_model_dir)
    # Biases so large that each language's label is settled by its calibration alone.
    config.lang_bias = {"en": [50.0, 0.0, 0.0], "fr": [0.0, 0.0, 50.0]}
    version, folder = save_artifact(model, config, tmp_path, {})
    model_version_register(folder)
    model_version_promote(version)
    english = MentionFactory.create_batch(3, status=Status.ENRICHED, lang="en")
    french = MentionFactory.create_batch(3, status=Status.ENRICHED, lang="fr")
    mentions_score([m.id for m in english + french])
    labels = dict(Mention.objects.values_list("id", "opinion_label"))
    assert {labels[m.id] for m in english} == {"negative"}
    assert {labels[m.id] for m in french} == {"positive"}
