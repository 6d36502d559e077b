"""The shipped model replaces an earlier shipped default, never a model a person promoted."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from apps.opinion.models import ModelVersion
from apps.opinion.services import (
    model_version_install_shipped,
    model_version_promote,
    model_version_register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(tiny_model_dir: Path, tmp_path: Path, monkeypatch: Any) -> tuple[Path, Path]:
    """Two copies of the tiny model under other names: an old shipped one and a new one."""
    from apps.opinion import tasks  # noqa: PLC0415

    monkeypatch.setattr(tasks.rescore_mentions, "delay", lambda *a: None)
    old, new = tmp_path / "old" / "0000000000000001", tmp_path / "new" / "0000000000000002"
    for folder in (old, new):
        shutil.copytree(tiny_model_dir, folder)
    return old, new


def _serving() -> str:
    return ModelVersion.objects.get(is_promoted=True).version


def test_the_shipped_model_serves_a_new_install(shipped: tuple[Path, Path]) -> None:
    with override_settings(SHIPPED_MODEL_DIR=shipped[1].parent):
        assert model_version_install_shipped() is not None
        assert model_version_install_shipped() is None  # already serving: nothing to do
    assert _serving() == shipped[1].name


def test_a_new_shipped_model_replaces_the_earlier_one(shipped: tuple[Path, Path]) -> None:
    old, new = shipped
    with override_settings(SHIPPED_MODEL_DIR=old.parent):
        model_version_install_shipped()
    with override_settings(SHIPPED_MODEL_DIR=new.parent):
        model_version_install_shipped()
    assert _serving() == new.name


def test_a_model_a_person_promoted_stays(shipped: tuple[Path, Path]) -> None:
    old, new = shipped
    model_version_register(old)
    model_version_promote(old.name, promoted_by="alice")
    with override_settings(SHIPPED_MODEL_DIR=new.parent):
        assert model_version_install_shipped() is None
    assert _serving() == old.name
    # Unless its files are gone: nothing could load it.
    shutil.rmtree(old)
    with override_settings(SHIPPED_MODEL_DIR=new.parent):
        model_version_install_shipped()
    assert _serving() == new.name
