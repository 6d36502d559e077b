"""Small hand-written opinion data."""

from pathlib import Path

import pytest

from .opinion_rows import ROWS, write_rows


@pytest.fixture
def toy_file(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "toy.jsonl", ROWS)
