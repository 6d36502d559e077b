"""Low-rank adapters: trained with the lower layers, shipped small, merged for serving."""

import json
from pathlib import Path

import pytest
import torch

from ml import artifact
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
                module.lora_a.normal_()
                module.lora_b.normal_()


@pytest.fixture
def small_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """`load_artifact` builds its model on the small encoder, as it was before training."""

    def small_encoder(variant: str, max_length: int) -> tuple[E5Encoder, None]:
        return small_classifier(lora_rank=0).encoder, None

    monkeypatch.setattr(artifact, "load_e5_small", small_encoder)


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


def test_artifact_holds_adapters_not_the_lower_layers(tmp_path: Path, small_base: None) -> None:
    model = small_classifier()
    train_adapters(model)
    config = ModelConfig(frozen_layers=2, lora_rank=4)
    _, folder = save_artifact(model, config, tmp_path, {})
    saved = torch.load(folder / "weights.pt", weights_only=True)
    assert {"encoder.layers.0.value.lora_a", "encoder.layers.0.value.lora_b"} <= set(saved)
    assert not any(k.startswith("encoder.layers.0.") and "lora_" not in k for k in saved)
    # Rebuilt from the base weights and the artifact, the model computes what was trained.
    loaded, _, _ = artifact.load_artifact(folder)
    assert all(m.merged for m in loaded.modules() if isinstance(m, LoRALinear))
    assert torch.allclose(loaded(*inputs()), model(*inputs()), atol=2e-2)


def test_a_model_saved_after_merging_keeps_its_adapters(tmp_path: Path, small_base: None) -> None:
    model = small_classifier()
    train_adapters(model)
    expected = model(*inputs())
    model.merge_adapters()
    _, first = save_artifact(model, ModelConfig(frozen_layers=2, lora_rank=4), tmp_path, {})
    loaded, _, config = artifact.load_artifact(first)
    # As a recalibration does: the loaded (merged) model saved again, then loaded again.
    _, second = save_artifact(loaded, config, tmp_path / "again", {})
    again, _, _ = artifact.load_artifact(second)
    assert torch.allclose(again(*inputs()), expected, atol=2e-2)


def test_weights_that_do_not_match_the_config_are_refused(tmp_path: Path, small_base: None) -> None:
    model = small_classifier()
    _, folder = save_artifact(model, ModelConfig(frozen_layers=2, lora_rank=4), tmp_path, {})
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "lora_rank": 0}))
    with pytest.raises(ValueError, match=r"config\.json does not match"):
        artifact.load_artifact(folder)


def test_folded_adapters_cannot_be_trained() -> None:
    model = small_classifier()
    model.merge_adapters()
    with pytest.raises(RuntimeError, match="cannot be trained"):
        model.train()(*inputs())
