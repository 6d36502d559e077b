"""Model versions in the admin: their metrics shown, promoted and rolled back from there."""

from pathlib import Path

import pytest
from django.test import Client

from apps.opinion import tasks
from apps.opinion.models import ModelVersion, Promotion

pytestmark = pytest.mark.django_db
URL = "/admin/opinion/modelversion/"


@pytest.fixture(autouse=True)
def _no_rescoring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks.rescore_mentions, "delay", lambda *args: None)


def _version(tmp_path: Path, name: str, f1: float = 0.5) -> ModelVersion:
    folder = tmp_path / name
    folder.mkdir()
    metrics = {"dev_mean_source_macro_f1": f1, "per_source": {"post": 0.61234, "tip": 0.4}}
    return ModelVersion.objects.create(version=name, path=str(folder), metrics=metrics)


def _act(client: Client, action: str, *versions: ModelVersion) -> str:
    data = {"action": action, "_selected_action": [str(v.pk) for v in versions]}
    return client.post(URL, data, follow=True).content.decode()


def _promoted() -> str:
    return ModelVersion.objects.get(is_promoted=True).version


def test_metrics_are_shown_formatted(admin_client: Client, tmp_path: Path) -> None:
    version = _version(tmp_path, "aaaa000000000001", f1=0.523923)
    assert "0.524" in admin_client.get(URL).content.decode()
    page = admin_client.get(f"{URL}{version.pk}/change/").content.decode()
    assert "<tr><th>dev_mean_source_macro_f1</th><td>0.524</td></tr>" in page
    assert "<tr><th>per_source.post</th><td>0.612</td></tr>" in page
    assert 'name="metrics"' not in page  # read-only, not a JSON text box


def test_promote_and_roll_back_from_the_admin(
    admin_client: Client, admin_user: object, tmp_path: Path
) -> None:
    first, second = _version(tmp_path, "aaaa000000000001"), _version(tmp_path, "bbbb000000000002")
    assert "Aaaa000000000001 promoted; re-scoring in the background." in _act(
        admin_client, "promote", first
    )
    _act(admin_client, "promote", second)
    assert _promoted() == second.version
    assert Promotion.objects.first().promoted_by == "admin"  # type: ignore[union-attr]

    assert "Rolled back to aaaa000000000001." in _act(admin_client, "rollback", second)
    assert _promoted() == first.version
    assert Promotion.objects.count() == 3


def test_promote_wants_exactly_one_version(admin_client: Client, tmp_path: Path) -> None:
    first, second = _version(tmp_path, "aaaa000000000001"), _version(tmp_path, "bbbb000000000002")
    assert "Select exactly one version." in _act(admin_client, "promote", first, second)
    assert not ModelVersion.objects.filter(is_promoted=True).exists()


def test_promoting_a_version_whose_folder_is_gone_says_so(
    admin_client: Client, tmp_path: Path
) -> None:
    version = _version(tmp_path, "aaaa000000000001")
    Path(version.path).rmdir()
    assert f"{version.path} is gone; retrain or restore that model first" in _act(
        admin_client, "promote", version
    )
    assert not ModelVersion.objects.filter(is_promoted=True).exists()


def test_rollback_without_history_says_so(admin_client: Client, tmp_path: Path) -> None:
    version = _version(tmp_path, "aaaa000000000001")
    _act(admin_client, "promote", version)
    assert "No earlier promoted version to roll back to" in _act(admin_client, "rollback", version)
    assert _promoted() == version.version
