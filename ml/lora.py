"""Low-rank adapters (LoRA) on frozen linear layers: a lower layer adapts to the task while
the shipped artifact holds only two small matrices per layer, not its weights."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

ADAPTED = ("query", "key", "value", "attn_out", "ffn_in", "ffn_out")


class LoRALinear(nn.Module):
    """``base(x) + scale * B(A(x))``; B starts at zero, so training starts from the base."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        fan_in = base.in_features
        self.lora_a = nn.Parameter(torch.randn(rank, fan_in) / math.sqrt(fan_in))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.base(x)
        if self.merged:
            if self.training:
                raise RuntimeError("Adapters folded in for serving cannot be trained further.")
            return out
        return out + F.linear(F.linear(x, self.lora_a), self.lora_b) * self.scale

    @torch.no_grad()
    def merge(self) -> None:
        """Fold the adapter into the base weight: inference then costs what the base costs."""
        if not self.merged:
            delta = (self.lora_b.float() @ self.lora_a.float()) * self.scale
            self.base.weight += delta.to(self.base.weight.dtype)
            self.merged = True


def add_adapters(layer: nn.Module, rank: int, alpha: float) -> None:
    """Wrap the layer's projections in adapters; their base weights stay frozen."""
    for name in ADAPTED:
        base = getattr(layer, name)
        base.requires_grad_(False)
        setattr(layer, name, LoRALinear(base, rank, alpha))


def merge_adapters(model: nn.Module) -> None:
    for module in model.modules():
        if isinstance(module, LoRALinear):
            module.merge()
