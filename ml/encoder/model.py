"""BERT-style encoder (post-LN, exact GELU) carrying multilingual-e5-small's weights."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ml.encoder.e5_format import E5Config


class EncoderLayer(nn.Module):
    """Self-attention and feed-forward blocks, each followed by residual + LayerNorm."""

    def __init__(self, config: E5Config, dropout: float = 0.0) -> None:
        super().__init__()
        h, eps = config.hidden_size, config.layer_norm_eps
        self.num_heads = config.num_heads
        self.dropout = dropout
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.attn_out = nn.Linear(h, h)
        self.attn_norm = nn.LayerNorm(h, eps=eps)
        self.ffn_in = nn.Linear(h, config.intermediate_size)
        self.ffn_out = nn.Linear(config.intermediate_size, h)
        self.ffn_norm = nn.LayerNorm(h, eps=eps)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        return x.view(batch, length, self.num_heads, width // self.num_heads).transpose(1, 2)

    def forward(self, hidden: torch.Tensor, attn_mask: torch.Tensor) -> torch.Tensor:
        """``attn_mask`` is boolean ``[batch, 1, 1, length]``, True where a key may be read."""
        batch, length, width = hidden.shape
        context = F.scaled_dot_product_attention(
            self._heads(self.query(hidden)),
            self._heads(self.key(hidden)),
            self._heads(self.value(hidden)),
            attn_mask=attn_mask,
            dropout_p=self.dropout if self.training else 0.0,
        )
        context = context.transpose(1, 2).reshape(batch, length, width)
        drop = self.dropout if self.training else 0.0
        hidden = self.attn_norm(hidden + F.dropout(self.attn_out(context), drop))
        ffn = self.ffn_out(F.gelu(self.ffn_in(hidden)))
        return self.ffn_norm(hidden + F.dropout(ffn, drop))


class E5Encoder(nn.Module):
    """Embeddings (word + position + token type, LayerNorm) and a stack of encoder layers.

    Position ids start at 0 for <s> and token types are all 0, as in the reference engine.
    Hidden state ``k`` is the output after ``k`` layers (0 = embedding output), so a caller
    can cache layer ``k`` once and fine-tune only the layers above it with ``run_layers``.
    """

    def __init__(self, config: E5Config, dropout: float = 0.0) -> None:
        super().__init__()
        h = config.hidden_size
        self.config = config
        self.dropout = dropout
        # Uninitialised tables: the weights always come from the image, and a random init of
        # the 96M-value word table would cost seconds at every load.
        self.word_embeddings = _empty_embedding(config.vocab_size, h)
        self.position_embeddings = _empty_embedding(config.max_positions, h)
        self.token_type_embeddings = _empty_embedding(config.type_vocab_size, h)
        self.embedding_norm = nn.LayerNorm(h, eps=config.layer_norm_eps)
        self.layers = nn.ModuleList(EncoderLayer(config, dropout) for _ in range(config.num_layers))

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Hidden state 0: summed embeddings after LayerNorm, ``[batch, length, hidden]``."""
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        hidden = (
            self.word_embeddings(input_ids)
            + self.position_embeddings(positions)[None]
            + self.token_type_embeddings.weight[0]
        )
        hidden = self.embedding_norm(hidden)
        return F.dropout(hidden, self.dropout if self.training else 0.0)

    def run_layers(
        self,
        hidden: torch.Tensor,
        attention_mask: torch.Tensor,
        start: int = 0,
        end: int | None = None,
    ) -> torch.Tensor:
        """Map hidden state ``start`` to hidden state ``end`` (default: the last layer)."""
        stop = self.num_layers if end is None else end
        if not 0 <= start <= stop <= self.num_layers:
            raise ValueError(f"layer range {start}..{stop} outside 0..{self.num_layers}")
        attn_mask = attention_mask.bool()[:, None, None, :]
        for layer in self.layers[start:stop]:
            hidden = layer(hidden, attn_mask)
        return hidden

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        num_layers: int | None = None,
    ) -> torch.Tensor:
        """Hidden states after ``num_layers`` layers (default: all), ``[batch, length, hidden]``."""
        return self.run_layers(self.embed(input_ids), attention_mask, 0, num_layers)

    def encode(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        num_layers: int | None = None,
    ) -> torch.Tensor:
        """Sentence embeddings: masked mean of the hidden states, L2-normalised."""
        hidden = self(input_ids, attention_mask, num_layers)
        return mean_pool_normalize(hidden, attention_mask)


def _empty_embedding(rows: int, width: int) -> nn.Embedding:
    return nn.Embedding(rows, width, _weight=torch.empty(rows, width))


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the unmasked token states (<s> and </s> included), ``[batch, hidden]``."""
    mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def mean_pool_normalize(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean pooling followed by L2 normalisation, the e5 sentence embedding."""
    return F.normalize(mean_pool(hidden, attention_mask), p=2.0, dim=-1, eps=1e-6)


def state_dict_from_image(
    tensors: dict[str, torch.Tensor], num_layers: int
) -> dict[str, torch.Tensor]:
    """Rename the image's tensors (``l3.fi.w`` ...) to ``E5Encoder`` parameter names."""
    state = {
        "word_embeddings.weight": tensors["emb.word"],
        "position_embeddings.weight": tensors["emb.pos"],
        "token_type_embeddings.weight": tensors["emb.type"],
        "embedding_norm.weight": tensors["emb.ln.w"],
        "embedding_norm.bias": tensors["emb.ln.b"],
    }
    parts = {
        "q": "query",
        "k": "key",
        "v": "value",
        "ao": "attn_out",
        "aln": "attn_norm",
        "fi": "ffn_in",
        "fo": "ffn_out",
        "oln": "ffn_norm",
    }
    for i in range(num_layers):
        for short, long in parts.items():
            state[f"layers.{i}.{long}.weight"] = tensors[f"l{i}.{short}.w"]
            state[f"layers.{i}.{long}.bias"] = tensors[f"l{i}.{short}.b"]
    return state


def build_encoder(
    config: E5Config, tensors: dict[str, torch.Tensor], dropout: float = 0.0
) -> E5Encoder:
    """An ``E5Encoder`` in eval mode holding the given weights."""
    model = E5Encoder(config, dropout)
    model.load_state_dict(state_dict_from_image(tensors, config.num_layers), assign=True)
    return model.eval()
