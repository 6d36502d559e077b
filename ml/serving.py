"""Inference for a trained opinion model, loaded once per process by whoever serves it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from ml.artifact import load_artifact
from ml.labels import LABEL_INDEX, LABELS

NEGATIVE, POSITIVE = LABEL_INDEX["negative"], LABEL_INDEX["positive"]


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float  # P(positive) - P(negative), in [-1, 1]
    confidence: float  # calibrated probability of the label
    probabilities: tuple[float, float, float]


PRECISIONS = ("fp32", "bf16", "int8")
_NATIVE_BF16_FLAGS = re.compile(r"\b(avx512_bf16|amx_bf16)\b")


def native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX): elsewhere bf16 is
    emulated and slower than fp32."""
    try:
        return bool(_NATIVE_BF16_FLAGS.search(cpuinfo.read_text()))
    except OSError:
        return False


def resolve_precision(setting: str) -> str:
    """'auto' is bf16 where the CPU has it natively and fp32 elsewhere; int8 (dynamic
    quantisation) is only ever chosen by name: it costs more than a point of macro-F1."""
    if setting == "auto":
        return "bf16" if native_bf16() else "fp32"
    if setting not in PRECISIONS:
        raise ValueError(f"unknown precision {setting!r}: use auto, {', '.join(PRECISIONS)}")
    return setting


class Predictor:
    """Batched, length-sorted inference under torch.inference_mode."""

    def __init__(self, folder: Path, threads: int | None = None, precision: str = "fp32") -> None:
        if threads:
            torch.set_num_threads(threads)
        model, self.tokenizer, self.config = load_artifact(folder)
        self.precision = resolve_precision(precision)
        if self.precision == "int8":
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
        elif self.precision == "bf16":
            model = model.to(torch.bfloat16)
        self.model = model
        self.version = folder.name

    @torch.inference_mode()
    def logits(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        """[len(texts), 3] raw logits, in the input order; batches are sorted by length."""
        lengths = [len(ids) for ids in self.tokenizer.token_ids(texts)]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out = torch.zeros(len(texts), len(LABELS))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            batch = self.tokenizer([texts[i] for i in chosen])
            # Calibration (biases, temperature) is applied in fp32 whatever the model ran in.
            out[chosen] = self.model(batch.input_ids, batch.attention_mask).float()
        return out

    def biases(self, count: int, langs: Sequence[str | None] | None = None) -> torch.Tensor:
        """[count, 3] the calibrated bias of each text: its language's, else the general one."""
        return self.config.biases([None] * count if langs is None else langs)

    def probabilities(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None, batch_size: int = 64
    ) -> torch.Tensor:
        """[len(texts), 3] calibrated class probabilities, in the input order."""
        logits = self.logits(texts, batch_size) + self.biases(len(texts), langs)
        return torch.softmax(logits / self.config.temperature, dim=1)

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None, batch_size: int = 64
    ) -> list[Prediction]:
        """Label, score and confidence per text; `langs` (one per text, None where unknown)
        selects each text's calibration."""
        if not texts:
            return []
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(langs)} languages for {len(texts)} texts: give one per text.")
        probabilities = self.probabilities(texts, langs, batch_size)
        confidence, index = probabilities.max(dim=1)
        scores = probabilities[:, POSITIVE] - probabilities[:, NEGATIVE]
        return [
            Prediction(LABELS[int(i)], float(s), float(c), tuple(float(v) for v in p))  # type: ignore[arg-type]
            for i, s, c, p in zip(index, scores, confidence, probabilities, strict=True)
        ]
