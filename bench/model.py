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
    threads = settings.TORCH_THREADS
    plain = Predictor(Path(path), threads=threads)
    int8 = Predictor(Path(path), threads=threads, quantize=True)
    for predictor in (plain, int8):
        predictor.predict(texts[:64])  # warm-up
    reference = plain_eager_rate(plain, texts)
    served_fp32 = served_rate(plain, texts)
    served_int8 = served_rate(int8, texts)
    served = "int8" if settings.OPINION_QUANTIZE else "fp32"
    return "\n".join([
        f"## Opinion model {version} ({TEXTS} tweets, {threads} threads; served: {served})",
        "",
        "| configuration | texts/s | ratio to plain fp32 eager | target |",
        "|---|---|---|---|",
        f"| plain fp32 eager, input order, batches of 64 (reference) | {reference:,.0f} | 1.00 | |",
        f"| length-sorted batches, inference_mode, fp32 | {served_fp32:,.0f} | "
        f"{served_fp32 / reference:.2f} | ≥ 100 texts/s |",
        f"| the same, int8 dynamic quantisation | {served_int8:,.0f} | "
        f"{served_int8 / reference:.2f} | ≥ 100 texts/s |",
    ])  # fmt: skip
