"""Training set-up: the device, the optimiser's learning rates and the examples' weights."""

from dataclasses import replace

import pytest
import torch

from ml.data import Example
from ml.train import _device, _optimizer, _weighted

from .test_lora import small_classifier

CFG = {"lr_layers": 5e-5, "lr_head": 2e-3, "lr_lora": 5e-4, "weight_decay": 0.01}


def test_device_is_a_gpu_only_when_one_is_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert _device({}) == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert _device({}) == torch.device("cuda")
    assert _device({"device": "cpu"}) == torch.device("cpu")


def test_adapters_layers_and_head_each_get_their_learning_rate() -> None:
    model = small_classifier(lora_rank=4)
    groups = _optimizer(model, CFG).param_groups
    assert [g["lr"] for g in groups] == [5e-5, 2e-3, 5e-4]
    counted = sum(len(g["params"]) for g in groups)
    assert counted == sum(1 for p in model.parameters() if p.requires_grad)
    assert len(_optimizer(small_classifier(lora_rank=0), CFG).param_groups) == 2


def _example(source: str, label: int) -> Example:
    return Example(text="t", label=label, lang="fr", source=source)


def test_per_source_balance_weighs_each_sources_classes_equally() -> None:
    train = [_example("books", 2)] * 6 + [_example("books", 0)] * 2 + [_example("tweets", 1)] * 4
    weighted = _weighted(train, {"class_balanced": "per_source"})
    totals: dict[tuple[str, int], float] = {}
    for e in weighted:
        totals[e.source, e.label] = totals.get((e.source, e.label), 0.0) + e.weight
    # Each class of a source weighs the source's size over its number of classes.
    assert totals == pytest.approx({("books", 2): 4.0, ("books", 0): 4.0, ("tweets", 1): 4.0})


def test_balance_over_the_mix_weighs_each_class_equally() -> None:
    train = [_example("books", 2)] * 6 + [_example("books", 0)] * 2 + [_example("tweets", 2)] * 4
    weighted = _weighted(train, {"class_balanced": True})
    totals: dict[int, float] = {}
    for e in weighted:
        totals[e.label] = totals.get(e.label, 0.0) + e.weight
    # The mix's size over the number of labels (3): 12 / 3.
    assert totals == pytest.approx({2: 4.0, 0: 4.0})
    assert [e.weight for e in _weighted(train, {"class_balanced": False})] == [1.0] * 12


def test_source_weights_multiply_the_examples_own_weight() -> None:
    train = [replace(_example("books", 2), weight=0.5), _example("tweets", 1)]
    weighted = _weighted(train, {"class_balanced": False, "source_weights": {"books": 3.0}})
    assert [e.weight for e in weighted] == [1.5, 1.0]
    assert _weighted(train, {"class_balanced": False}) == train
