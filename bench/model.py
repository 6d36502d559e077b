"""Opinion model inference rate on tweet-length texts: each serving precision against the
same model in plain fp32 eager mode (input order, no inference_mode), in one run, with what
each precision does to macro-F1 on dev (the rule: at most one point below fp32)."""

import json
import time
from collections import defaultdict
from pathlib import Path

import torch
from django.conf import settings

from apps.opinion.predictor import promoted_model
from ml.data import Example, read_examples
from ml.labels import LABEL_INDEX
from ml.metrics import confusion, macro_scores
from ml.serving import PRECISIONS, Predictor, native_bf16, resolve_precision

TEXTS = 1024
SOURCES = ("umsab-fr-val", "tweeteval-val", "critiques-libres")


def tweet_texts(count: int = TEXTS) -> list[str]:
    """`count` TweetEval dev tweets, repeated past the 2,000 there are."""
    path = Path(settings.VOXPOP_DATA_DIR) / "opinion" / "dev.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    texts = [r["text"] for r in rows if r["source"] == "tweeteval-val"]
    return (texts * (count // len(texts) + 1))[:count]


def plain_eager_rate(predictor: Predictor, texts: list[str], batch_size: int = 64) -> float:
    started = time.perf_counter()
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = predictor.tokenizer(texts[start : start + batch_size])
            predictor.model(batch.input_ids, batch.attention_mask)
    return len(texts) / (time.perf_counter() - started)


def served_rate(predictor: Predictor, texts: list[str]) -> float:
    started = time.perf_counter()
    predictor.predict(texts, ["en"] * len(texts))  # as scoring does: with each text's language
    return len(texts) / (time.perf_counter() - started)


def dev_macro_f1(predictor: Predictor, examples: list[Example]) -> dict[str, float]:
    predictions = predictor.predict([e.text for e in examples], [e.lang for e in examples])
    predicted = [LABEL_INDEX[p.label] for p in predictions]
    pairs: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for example, label in zip(examples, predicted, strict=True):
        pairs[example.source][0].append(example.label)
        pairs[example.source][1].append(label)
    return {s: macro_scores(confusion(*pairs[s]))["macro_f1"] for s in SOURCES if s in pairs}


def run() -> str:
    promoted = promoted_model()
    if promoted is None:
        return "## Opinion model\n\nNo model is promoted: run `make run` first."
    version, path = promoted
    texts, threads = tweet_texts(), settings.TORCH_THREADS
    dev = read_examples(Path(settings.VOXPOP_DATA_DIR) / "opinion" / "dev.jsonl")
    served = resolve_precision(settings.OPINION_PRECISION)
    rows, reference = [], 0.0
    for precision in PRECISIONS:
        predictor = Predictor(Path(path), threads=threads, precision=precision)
        predictor.predict(texts[:64])  # warm-up
        if precision == "fp32":
            reference = plain_eager_rate(predictor, texts)
        rate = served_rate(predictor, texts)
        scores = dev_macro_f1(predictor, dev)
        rows.append((precision, rate, scores))
    fp32_scores = rows[0][2]
    lines = [
        f"## Opinion model {version} ({TEXTS} tweets, {threads} threads; served: {served}, "
        f"native bf16: {'yes' if native_bf16() else 'no'})",
        "",
        "| configuration | texts/s | ratio to plain fp32 eager | dev macro-F1 "
        f"({' / '.join(SOURCES)}) | largest drop from fp32 |",
        "|---|---|---|---|---|",
        f"| plain fp32 eager, input order, batches of 64 (reference) | {reference:,.0f} | 1.00 "
        "| | |",
    ]
    for precision, rate, scores in rows:
        drop = max(fp32_scores[s] - scores[s] for s in scores)
        lines.append(
            f"| length-sorted, inference_mode, {precision} | {rate:,.0f} | "
            f"{rate / reference:.2f} | {' / '.join(f'{scores[s]:.3f}' for s in scores)} | "
            f"{drop * 100:.1f} points |"
        )
    return "\n".join(lines)
