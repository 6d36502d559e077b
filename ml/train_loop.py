"""One epoch of training over cached frozen states, evaluation, and temperature scaling."""

from __future__ import annotations

import random
from typing import Any

import torch
import torch.nn.functional as F
from tqdm import tqdm

from ml.data import Example
from ml.features import CachedStates
from ml.labels import LABELS
from ml.model import OpinionClassifier


def epoch_batches(examples: list[Example], batch_size: int, seed: int) -> list[list[int]]:
    """Batches of texts of similar length (little padding), in a shuffled order."""
    rng = random.Random(seed)
    order = list(range(len(examples)))
    rng.shuffle(order)
    # Sort within large pools only, so batches stay varied across the epoch.
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(examples[i].text))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def train_epoch(
    model: OpinionClassifier,
    states: CachedStates,
    examples: list[Example],
    *,
    batches: list[list[int]],
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
) -> float:
    model.train()
    device = next(model.parameters()).device
    running = 0.0
    progress = tqdm(batches, desc="training", unit="batch")
    for step, indices in enumerate(progress, start=1):
        hidden, mask = (t.to(device) for t in states.batch(indices))
        labels = torch.tensor([examples[i].label for i in indices], device=device)
        weights = torch.tensor([examples[i].weight for i in indices], device=device)
        logits = model.logits_from_hidden(hidden, mask)
        loss = (F.cross_entropy(logits, labels, reduction="none") * weights).sum() / weights.sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running += loss.item()
        if step % 20 == 0:
            progress.set_postfix(loss=f"{running / step:.4f}")
    return running / max(1, len(batches))


@torch.inference_mode()
def evaluate_logits(model: OpinionClassifier, states: CachedStates, count: int) -> torch.Tensor:
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(count), key=lambda i: states.states[i].shape[0])
    logits = torch.zeros(count, len(LABELS))
    for start in range(0, count, 64):
        chosen = order[start : start + 64]
        hidden, mask = (t.to(device) for t in states.batch(chosen))
        logits[chosen] = model.logits_from_hidden(hidden, mask).float().cpu()
    return logits


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The softmax temperature that makes confidences calibrated on held-out data."""
    logits = logits.clone()  # may come from inference mode
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(log_t.detach().exp())
