"""Train the opinion model: `python -m ml.train --config ml/configs/default.yaml`.

The top layers and the head are trained; the lower layers are either frozen (their output is
computed once per text) or adapted with low-rank adapters. It runs on a GPU when one is
present, else on the CPU. Checkpoints after every epoch let an interrupted run resume with
--resume.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from tqdm import tqdm

from ml.artifact import ModelConfig, build_model, save_artifact
from ml.calibration import calibrate, mean_source_f1, source_f1s
from ml.data import Example, fingerprint, read_examples
from ml.features import CachedStates, cache_frozen_states
from ml.labels import LABELS
from ml.model import OpinionClassifier
from ml.train_loop import epoch_batches, evaluate_logits, train_epoch


@dataclass
class TrainingRun:
    config: dict[str, Any]
    data_dir: Path
    out_dir: Path
    extra_files: list[tuple[Path, float]]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _examples(run: TrainingRun) -> tuple[list[Example], list[Example], list[Path]]:
    cfg = run.config
    paths = [run.data_dir / name for name in cfg["train_files"]]
    train = [e for p in paths for e in read_examples(p)]
    for path, weight in run.extra_files:
        train += read_examples(path, weight=weight)
        paths.append(path)
    random.Random(cfg["seed"]).shuffle(train)
    if cfg.get("per_source_limit"):
        train = _cap_per_source(train, cfg["per_source_limit"])
    if cfg.get("train_limit"):
        train = train[: cfg["train_limit"]]
    dev = read_examples(run.data_dir / cfg["dev_file"], limit=cfg.get("dev_limit"))
    return train, dev, paths


def _cap_per_source(examples: list[Example], cap: int) -> list[Example]:
    """At most `cap` (already shuffled) examples of each source: big corpora do not drown
    small ones, and a CPU run stays short."""
    kept: list[Example] = []
    seen: dict[str, int] = {}
    for example in examples:
        seen[example.source] = seen.get(example.source, 0) + 1
        if seen[example.source] <= cap:
            kept.append(example)
    return kept


def _weighted(train: list[Example], cfg: dict[str, Any]) -> list[Example]:
    """Each example's weight times its source's configured weight and its class's weight.

    With class_balanced true, a class weighs the inverse of its frequency over the whole mix;
    with "per_source", within its own source. Over the whole mix, the many neutral tweets set
    the class weights; within each source, the few negative book reviews weigh as much as the
    many positive ones."""
    source_weights: dict[str, float] = cfg.get("source_weights") or {}
    balanced = cfg.get("class_balanced")
    labels = Counter(e.label for e in train)
    counts = Counter((e.source, e.label) for e in train)
    sizes = Counter(e.source for e in train)
    classes = Counter(source for source, _ in counts)

    def class_weight(e: Example) -> float:
        if balanced == "per_source":
            return sizes[e.source] / (classes[e.source] * counts[e.source, e.label])
        if balanced:
            return len(train) / (len(LABELS) * labels[e.label])
        return 1.0

    return [
        replace(e, weight=e.weight * source_weights.get(e.source, 1.0) * class_weight(e))
        for e in train
    ]


def _optimizer(model: OpinionClassifier, cfg: dict[str, Any]) -> torch.optim.Optimizer:
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    layers = [p for n, p in trained if n.startswith("encoder") and "lora_" not in n]
    adapters = [p for n, p in trained if "lora_" in n]
    groups = [{"params": layers, "lr": cfg["lr_layers"]},
              {"params": list(model.head.parameters()), "lr": cfg["lr_head"]}]  # fmt: skip
    if adapters:
        groups.append({"params": adapters, "lr": cfg.get("lr_lora", cfg["lr_layers"])})
    return torch.optim.AdamW(groups, weight_decay=cfg["weight_decay"])


def _device(cfg: dict[str, Any]) -> torch.device:
    """The configured device; "auto" (the default) is a GPU when one is present."""
    name = cfg.get("device", "auto")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def train(run: TrainingRun, resume: bool = False) -> tuple[str, Path, dict[str, Any]]:
    cfg = run.config
    seed_everything(cfg["seed"])
    train_set, dev_set, paths = _examples(run)
    train_set = _weighted(train_set, cfg)
    model_config = ModelConfig(base=cfg["base"], frozen_layers=cfg["frozen_layers"],
                               max_length=cfg["max_length"], lora_rank=cfg.get("lora_rank", 0),
                               lora_alpha=float(cfg.get("lora_alpha", 16.0)))  # fmt: skip
    model, tokenizer = build_model(model_config)
    device = _device(cfg)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # the encoder's matmuls lose nothing to it
    model.to(device)
    train_states = cache_frozen_states(model, tokenizer, [e.text for e in train_set])
    dev_states = cache_frozen_states(model, tokenizer, [e.text for e in dev_set])
    optimizer = _optimizer(model, cfg)
    total_steps = cfg["epochs"] * len(epoch_batches(train_set, cfg["batch_size"], cfg["seed"]))
    scheduler = _schedule(optimizer, total_steps, cfg["warmup_fraction"])
    start_epoch, best = _resume(run.out_dir, model, optimizer, scheduler) if resume else (0, None)
    for epoch in range(start_epoch, cfg["epochs"]):
        batches = epoch_batches(train_set, cfg["batch_size"], cfg["seed"] + epoch)
        train_epoch(model, train_states, train_set, batches=batches, optimizer=optimizer,
                    scheduler=scheduler)  # fmt: skip
        score, state = _dev_score(model, dev_states, dev_set), model.trained_state()
        if best is None or score > best[0]:
            best = (score, {k: v.clone() for k, v in state.items()})
        _checkpoint(run.out_dir, epoch + 1, model, optimizer=optimizer, scheduler=scheduler,
                    best=best)  # fmt: skip
        tqdm.write(f"epoch {epoch + 1}: dev mean macro-F1 over sources {score:.4f}")
    assert best is not None
    model.load_state_dict(best[1], strict=False)
    return _finish(run, model, model_config=model_config, dev_states=dev_states,
                   dev_set=dev_set, paths=paths, n_train=len(train_set))  # fmt: skip


def _finish(
    run: TrainingRun,
    model: OpinionClassifier,
    *,
    model_config: ModelConfig,
    dev_states: CachedStates,
    dev_set: list[Example],
    paths: list[Path],
    n_train: int,
) -> tuple[str, Path, dict[str, Any]]:
    logits = calibrate(model_config, evaluate_logits(model, dev_states, len(dev_set)), dev_set)
    model_config.training = {**run.config, "data_fingerprint": fingerprint(paths),
                             "train_examples": n_train}  # fmt: skip
    truth, sources = np.asarray([e.label for e in dev_set]), [e.source for e in dev_set]
    by_source = source_f1s(logits.argmax(dim=1).numpy(), truth, sources)
    metrics = {"dev_mean_source_macro_f1": float(np.mean(list(by_source.values()))),
               "dev_macro_f1_by_source": by_source}  # fmt: skip
    version, folder = save_artifact(model, model_config, run.out_dir, metrics)
    return version, folder, metrics


def _source_f1(logits: torch.Tensor, dev_set: list[Example]) -> float:
    truth = np.asarray([e.label for e in dev_set])
    return mean_source_f1(logits.argmax(dim=1).numpy(), truth, [e.source for e in dev_set])


def _dev_score(model: OpinionClassifier, states: CachedStates, dev_set: list[Example]) -> float:
    """Mean per-source macro-F1 once calibrated, as the model will be served: an epoch whose
    raw decisions lean towards one class is not passed over for that."""
    logits = evaluate_logits(model, states, len(dev_set))
    return _source_f1(calibrate(ModelConfig(), logits, dev_set), dev_set)


def _schedule(optimizer: torch.optim.Optimizer, total: int, warmup_fraction: float) -> Any:
    warmup = max(1, int(total * warmup_fraction))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _checkpoint(
    out_dir: Path, epoch: int, model: OpinionClassifier, *, optimizer: Any, scheduler: Any,
    best: Any,
) -> None:  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save({"epoch": epoch, "model": model.trained_state(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "best": best,
                "rng": torch.get_rng_state(), "cuda_rng": _cuda_rng()},
               out_dir / "checkpoint.pt")  # fmt: skip


def _cuda_rng() -> list[torch.Tensor]:
    return torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []


def _resume(out_dir: Path, model: OpinionClassifier, optimizer: Any, scheduler: Any) -> Any:
    path = out_dir / "checkpoint.pt"
    if not path.exists():
        return 0, None
    saved = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(saved["model"], strict=False)
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    torch.set_rng_state(saved["rng"])
    if saved.get("cuda_rng") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(saved["cuda_rng"])
    return saved["epoch"], saved["best"]


def main(argv: list[str] | None = None) -> str:
    """Train as the command line says; returns the new model's version."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("var/models"))
    parser.add_argument("--extra", action="append", default=[], metavar="FILE:WEIGHT")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    extra = [(Path(p.rsplit(":", 1)[0]), float(p.rsplit(":", 1)[1])) for p in args.extra]
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    run = TrainingRun(config, args.data_dir, args.out, extra)
    version, folder, metrics = train(run, resume=args.resume)
    print(f"model {version} written to {folder}: {metrics}")
    return version


if __name__ == "__main__":
    main()
