"""Training set-up: the device and the optimiser's learning rates."""

import pytest
import torch

from ml.train import _device, _optimizer

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
