"""Hidden states below the trained layers, computed once per text and kept in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm import tqdm

from ml.encoder.tokenizer import E5Tokenizer
from ml.model import OpinionClassifier


@dataclass
class CachedStates:
    """Per text: its frozen hidden state [length, hidden] (fp16) without padding."""

    states: list[torch.Tensor]

    def batch(self, indices: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [self.states[i] for i in indices]
        width = max(r.shape[0] for r in rows)
        hidden = torch.zeros(len(rows), width, rows[0].shape[1])
        mask = torch.zeros(len(rows), width, dtype=torch.long)
        for i, row in enumerate(rows):
            hidden[i, : row.shape[0]] = row.float()
            mask[i, : row.shape[0]] = 1
        return hidden, mask


def length_sorted(tokenizer: E5Tokenizer, texts: Sequence[str]) -> list[int]:
    lengths = [len(ids) for ids in tokenizer.token_ids(texts)]
    return sorted(range(len(texts)), key=lambda i: lengths[i])


@torch.inference_mode()
def cache_frozen_states(
    model: OpinionClassifier, tokenizer: E5Tokenizer, texts: Sequence[str], batch_size: int = 64
) -> CachedStates:
    states: list[torch.Tensor] = [torch.empty(0)] * len(texts)
    order = length_sorted(tokenizer, texts)
    model.eval()
    device = next(model.parameters()).device
    for start in tqdm(range(0, len(order), batch_size), desc="frozen layers", unit="batch"):
        chosen = order[start : start + batch_size]
        batch = tokenizer([texts[i] for i in chosen])
        hidden = model.frozen_hidden(batch.input_ids.to(device), batch.attention_mask.to(device))
        for row, i in enumerate(chosen):
            length = int(batch.attention_mask[row].sum())
            states[i] = hidden[row, :length].to(torch.float16).cpu().clone()
    return CachedStates(states)
