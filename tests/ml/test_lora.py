"""Low-rank adapters: trained with the lower layers, shipped small, merged for serving."""

from pathlib import Path

import pytest
import torch

from ml.artifact import ModelConfig, save_artifact
from ml.encoder.e5_format import E5Config
from ml.encoder.model import E5Encoder
from ml.lora import LoRALinear
from ml.model import OpinionClassifier

CONFIG = E5Config(hidden_size=16, num_layers=3, num_heads=2, intermediate_size=32,
                  vocab_size=50, max_positions=20, type_vocab_size=1, layer_norm_eps=1e-12,
                  block_size=32)  # fmt: skip


def small_classifier(lora_rank: int = 4, seed: int = 0) -> OpinionClassifier:
    torch.manual_seed(seed)
    encoder = E5Encoder(CONFIG)
    for table in (encoder.word_embeddings, encoder.position_embeddings,
                  encoder.token_type_embeddings):  # fmt: skip
        torch.nn.init.normal_(table.weight)
    return OpinionClassifier(encoder, frozen_layers=2, lora_rank=lora_rank).eval()


def inputs() -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.randint(0, CONFIG.vocab_size, (3, 7), generator=torch.Generator().manual_seed(1))
    mask = torch.ones_like(ids)
    mask[0, 5:] = 0
    return ids, mask


def train_adapters(model: OpinionClassifier) -> None:
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, LoRALinear):
                module.lora_b.normal_()


def test_adapters_start_as_the_base_model() -> None:
    plain, adapted = small_classifier(lora_rank=0), small_classifier(lora_rank=4)
    assert torch.allclose(plain(*inputs()), adapted(*inputs()))


def test_only_adapters_top_layers_and_head_are_trained_and_shipped() -> None:
    model = small_classifier()
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    assert "encoder.layers.0.query.lora_a" in trained
    assert "encoder.layers.1.ffn_out.lora_b" in trained
    assert "encoder.layers.2.query.weight" in trained and "head.1.weight" in trained
    assert "encoder.layers.0.query.base.weight" not in trained
    assert "encoder.word_embeddings.weight" not in trained
    assert set(model.trained_state()) == trained
    # With adapters, only the embeddings' output can be cached for training.
    assert model.cached_layers == 0 and small_classifier(lora_rank=0).cached_layers == 2


def test_merged_adapters_give_the_same_logits() -> None:
    model = small_classifier()
    train_adapters(model)
    before = model(*inputs())
    assert not torch.allclose(before, small_classifier(lora_rank=0)(*inputs()), atol=1e-3)
    model.merge_adapters()
    assert torch.allclose(model(*inputs()), before, atol=1e-5)
    model.merge_adapters()  # merging twice must not add the adapters twice
    assert torch.allclose(model(*inputs()), before, atol=1e-5)


def test_artifact_holds_adapters_not_the_lower_layers(tmp_path: Path) -> None:
    model = small_classifier()
    train_adapters(model)
    _, folder = save_artifact(model, ModelConfig(frozen_layers=2, lora_rank=4), tmp_path, {})
    saved = torch.load(folder / "weights.pt", weights_only=True)
    assert "encoder.layers.0.value.lora_b" in saved
    assert not any(k.startswith("encoder.layers.0.") and "lora_" not in k for k in saved)
    # A model rebuilt from the base weights and the artifact computes what was trained.
    rebuilt = small_classifier()
    rebuilt.load_state_dict({k: v.float() for k, v in saved.items()}, strict=False)
    rebuilt.merge_adapters()
    assert torch.allclose(rebuilt(*inputs()), model(*inputs()), atol=2e-2)


@pytest.mark.parametrize("rank", [0, 4])
def test_a_model_saved_after_merging_keeps_its_adapters(tmp_path: Path, rank: int) -> None:
    model = small_classifier(lora_rank=rank)
    train_adapters(model)
    expected = set(model.trained_state())
    model.merge_adapters()
    assert set(model.trained_state()) == expected
