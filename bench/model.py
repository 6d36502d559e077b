"""Opinion model inference rate on tweet-length texts: the served configuration against the
same model in plain fp32 eager mode (input order, no inference_mode), in one run."""

import json
import time
from pathlib import Path

import torch
from django.conf import settings

from apps.opinion.predictor import promoted_model
from ml.serving import Predictor

TEXTS = 1024


def tweet_texts() -> list[str]:
    path = Path(settings.VOXPOP_DATA_DIR) / "opinion" / "dev.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    texts = [r["text"] for r in rows if r["source"] == "tweeteval-val"]
    return (texts * (TEXTS // len(texts) + 1))[:TEXTS]


def plain_eager_rate(predictor: Predictor, texts: list[str], batch_size: int = 64) -> float:
    started = time.perf_counter()
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = predictor.tokenizer(texts[start : start + batch_size])
            predictor.model(batch.input_ids, batch.attention_mask)
    return len(texts) / (time.perf_counter() - started)


def served_rate(predictor: Predictor, texts: list[str]) -> float:
    started = time.perf_counter()
    predictor.predict(texts)
    return len(texts) / (time.perf_counter() - started)


def run() -> str:
    promoted = promoted_model()
    if promoted is None:
        return "## Opinion model\n\nNo model is promoted: run `make run` first."
    version, path = promoted
    texts = tweet_texts()
    fp32 = Predictor(Path(path), threads=settings.TORCH_THREADS, quantize=False)
    served = Predictor(Path(path), threads=settings.TORCH_THREADS,
                       quantize=settings.OPINION_QUANTIZE)  # fmt: skip
    fp32.predict(texts[:64])  # warm-up
    served.predict(texts[:64])
    reference = plain_eager_rate(fp32, texts)
    rate = served_rate(served, texts)
    mode = "int8 dynamic" if settings.OPINION_QUANTIZE else "fp32"
    return "\n".join([
        f"## Opinion model {version} ({TEXTS} tweets, {settings.TORCH_THREADS} threads)",
        "",
        "| configuration | texts/s | ratio to plain fp32 eager | target |",
        "|---|---|---|---|",
        f"| plain fp32 eager, input order, batches of 64 (reference) | {reference:,.0f} | 1.00 | |",
        f"| served: length-sorted batches, inference_mode, {mode} | {rate:,.0f} | "
        f"{rate / reference:.2f} | ≥ 100 texts/s |",
    ])  # fmt: skip
