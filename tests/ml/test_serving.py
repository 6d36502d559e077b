"""Which precision the predictor serves in."""

from pathlib import Path

import pytest

from ml import serving


@pytest.mark.parametrize(("native", "expected"), [(True, "bf16"), (False, "fp32")])
def test_auto_is_bf16_only_where_the_cpu_has_it(
    monkeypatch: pytest.MonkeyPatch, native: bool, expected: str
) -> None:
    monkeypatch.setattr(serving, "native_bf16", lambda: native)
    assert serving.resolve_precision("auto") == expected


@pytest.mark.parametrize("name", ["fp32", "bf16", "int8"])
def test_a_named_precision_is_kept(name: str) -> None:
    assert serving.resolve_precision(name) == name


def test_an_unknown_precision_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown precision 'fp16': use auto, fp32, bf16, int8"):
        serving.resolve_precision("fp16")


def test_native_bf16_reads_the_cpu_flags(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags : fpu avx2 avx512f avx512_vnni")
    assert not serving.native_bf16(cpuinfo)
    cpuinfo.write_text("flags : fpu avx2 avx512f avx512_bf16 avx512_vnni")
    assert serving.native_bf16(cpuinfo)
    cpuinfo.write_text("flags : fpu avx512f amx_bf16 amx_tile")
    assert serving.native_bf16(cpuinfo)
    cpuinfo.unlink()
    assert not serving.native_bf16(cpuinfo)
