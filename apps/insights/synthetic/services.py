"""Service: generate synthetic mentions over France with planted patterns, and store them."""

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.utils import timezone

from apps.insights.synthetic.inputs import (
    GenerationError,
    brands_load,
    communes_load,
    corpus_load,
)
from apps.insights.synthetic.patterns import PlantedPatterns
from apps.insights.synthetic.plan import Plan, PlanOptions, plan_mentions
from apps.insights.synthetic.writer import generated_write
from apps.mentions.locations import DEFAULT_PRECISION_M
from apps.mentions.models import PLANTED_VERSION_PREFIX, LocationProvenance, Status
from apps.mentions.services import author_pseudonymise
from apps.opinion.scoring import mentions_score

# Planted opinions are the generator's, not a model's: this version says so.
PLANTED_VERSION = f"{PLANTED_VERSION_PREFIX}planted"
CHUNK = 50_000
SCORE_BATCH = 256
# progress(stage, advance, total): called as rows are written ("write") and scored ("score").
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class GenerationSummary:
    requested: int
    stored: int
    seed: int
    start: dt.date
    end: dt.date
    opinion_source: str  # PLANTED_VERSION, or "model" when the scoring stage scored them
    scored: int
    by_provenance: dict[str, int]
    by_brand: dict[str, int]
    by_lang: dict[str, int]
    by_source: dict[str, int]
    patterns: PlantedPatterns
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(start=self.start.isoformat(), end=self.end.isoformat())
        data["patterns"] = self.patterns.as_dict()
        return data


def mentions_generate(
    n: int,
    *,
    brands: list[str] | None = None,
    seed: int = 0,
    days: int = 90,
    end: dt.date | None = None,
    patterns: bool = True,
    score: bool = False,
    chunk_size: int = CHUNK,
    workers: int = 1,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Draw `n` mentions over the `days` days ending `end` (default today) and store them as
    the pipeline would have (brand, regions and H3 as precise as each location allows). Their
    opinion is the planted one, or with `score` the promoted model's. Deterministic per seed;
    external ids are gen-<seed>-<index>, so a second run with the same arguments stores
    nothing new. `workers` > 1 writes that many chunks at once, each on its own connection."""
    if n < 1 or days < 1:
        raise GenerationError("n and days must be at least 1.")
    began = time.monotonic()
    options = PlanOptions(
        n=n,
        end=end or timezone.now().date(),
        seed=seed,
        days=days,
        patterns=patterns,
        country_radius_m=DEFAULT_PRECISION_M[LocationProvenance.COUNTRY],
        place_radius_m=DEFAULT_PRECISION_M[LocationProvenance.PLACE],
    )
    specs = brands_load(brands)
    plan = plan_mentions(communes_load(), specs, corpus_load(), options)
    frame = plan.frame.assign(author_hash=authors_pseudonymise(seed, plan.frame["author"]))
    if score:
        frame = frame.assign(opinion_label="", opinion_score=np.nan, opinion_confidence=np.nan)
    ids = _write(frame, not score, (chunk_size, workers), progress)
    scored = _score(ids, progress) if score else len(ids)
    return _summary(plan, options, {s.id: s.slug for s in specs}, (len(ids), scored, score), began)


def authors_pseudonymise(seed: int, authors: pd.Series) -> np.ndarray:
    """Keyed hash of each synthetic author id, computed once per distinct author."""
    unique, inverse = np.unique(authors.to_numpy(), return_inverse=True)
    hashes = np.array([author_pseudonymise(f"gen-{seed}-author-{a}") for a in unique], dtype=object)
    return hashes[inverse]


def _write(
    frame: pd.DataFrame,
    planted: bool,
    chunking: tuple[int, int],
    progress: Progress | None,
) -> list[uuid.UUID]:
    """Write chunk by chunk, each in its own transaction, on `workers` connections at once
    (one inside a transaction: other connections would not see its data). Planted opinions
    are stored scored; without, mentions wait enriched for the model."""
    status, version = (Status.SCORED, PLANTED_VERSION) if planted else (Status.ENRICHED, "")
    chunk_size, workers = chunking
    chunks = [frame.iloc[b : b + chunk_size] for b in range(0, len(frame), chunk_size)]
    workers = 1 if connection.in_atomic_block else max(1, min(workers, len(chunks)))
    ids: list[uuid.UUID] = []
    with ThreadPoolExecutor(max_workers=workers) if workers > 1 else nullcontext() as pool:
        if pool is None:
            written: Iterator[list[uuid.UUID]] = (
                generated_write(c, status.value, version) for c in chunks
            )
        else:
            written = pool.map(_write_on_own_connection, chunks, repeat(status), repeat(version))
        for chunk, stored in zip(chunks, written, strict=True):
            ids += stored
            if progress is not None:
                progress("write", len(chunk), len(frame))
    _analyze()
    return ids


def _analyze() -> None:
    # After a bulk write the planner's statistics are stale: a filtered query went from 9 s to
    # 80 ms once they were refreshed.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mentions_mention, mentions_mentionbrand, mentions_mentionregion")


def _write_on_own_connection(chunk: pd.DataFrame, status: str, version: str) -> list[uuid.UUID]:
    try:
        return generated_write(chunk, status, version)
    finally:
        connection.close()  # this thread's connection


def _score(ids: list[uuid.UUID], progress: Progress | None) -> int:
    """The scoring stage on the stored mentions (nothing when no model is promoted)."""
    scored = 0
    for begin in range(0, len(ids), SCORE_BATCH):
        batch = ids[begin : begin + SCORE_BATCH]
        scored += len(mentions_score(batch))
        if progress is not None:
            progress("score", len(batch), len(ids))
    return scored


def _summary(
    plan: Plan,
    options: PlanOptions,
    slugs: dict[int, str],
    outcome: tuple[int, int, bool],
    began: float,
) -> GenerationSummary:
    (stored, scored, by_model), frame = outcome, plan.frame
    return GenerationSummary(
        requested=options.n,
        stored=stored,
        seed=options.seed,
        start=options.start,
        end=options.end,
        opinion_source="model" if by_model else PLANTED_VERSION,
        scored=scored,
        by_provenance=_counts(frame["provenance"]),
        by_brand=_counts(frame["brand_id"].map(slugs)),
        by_lang=_counts(frame["lang"]),
        by_source=_counts(frame["source"]),
        patterns=plan.patterns,
        seconds=round(time.monotonic() - began, 1),
    )


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}
