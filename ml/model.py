"""The opinion classifier: e5-small's top layers and a head trained, the layers below either
frozen or adapted with low-rank adapters (LoRA)."""

from __future__ import annotations

import torch
from torch import nn

from ml.encoder.model import E5Encoder, mean_pool
from ml.labels import LABELS
from ml.lora import add_adapters, merge_adapters


class OpinionClassifier(nn.Module):
    def __init__(
        self,
        encoder: E5Encoder,
        frozen_layers: int,
        dropout: float = 0.1,
        lora_rank: int = 0,
        lora_alpha: float = 16.0,
    ) -> None:
        super().__init__()
        if not 0 <= frozen_layers < encoder.num_layers:
            raise ValueError(f"frozen_layers must be in 0..{encoder.num_layers - 1}")
        self.encoder = encoder
        self.frozen_layers = frozen_layers
        self.lora_rank = lora_rank
        self.head = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(encoder.config.hidden_size, len(LABELS))
        )
        for name, parameter in self.encoder.named_parameters():
            parameter.requires_grad = self._is_trained(name)
        if lora_rank:
            for layer in self.encoder.layers[:frozen_layers]:
                add_adapters(layer, lora_rank, lora_alpha)

    @property
    def cached_layers(self) -> int:
        """Layers whose output never changes in training, so it can be computed once: with
        adapters only the embeddings are fixed."""
        return 0 if self.lora_rank else self.frozen_layers

    def _is_trained(self, encoder_parameter: str) -> bool:
        parts = encoder_parameter.split(".")
        if parts[0] != "layers":
            return False
        return int(parts[1]) >= self.frozen_layers or parts[-1].startswith("lora_")

    def frozen_hidden(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Hidden state below the trained layers: fixed, so training can compute it once."""
        hidden = self.encoder.embed(input_ids)
        return self.encoder.run_layers(hidden, attention_mask, 0, self.cached_layers)

    def logits_from_hidden(
        self, hidden: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        top = self.encoder.run_layers(hidden, attention_mask, self.cached_layers)
        return self.head(mean_pool(top, attention_mask))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.logits_from_hidden(
            self.frozen_hidden(input_ids, attention_mask), attention_mask
        )

    def merge_adapters(self) -> None:
        """For serving: adapters folded into their layers' weights (they stay in
        trained_state, so a merged model can still be saved)."""
        merge_adapters(self)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """Only what training changes: the shipped artifact, small next to the base weights."""
        state = {}
        for name, tensor in self.state_dict().items():
            if name.startswith("head.") or (
                name.startswith("encoder.") and self._is_trained(name.removeprefix("encoder."))
            ):
                state[name] = tensor
        return state
