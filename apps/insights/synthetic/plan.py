"""Draw synthetic mentions as columns: where, which brand, when, what opinion, which text.

Pure numpy/pandas/shapely: the caller passes communes, brands and a labelled corpus, and gets
a frame of mentions plus the patterns planted in them. The same inputs and seed give the same
frame; each aspect draws from its own random stream, so turning the patterns off changes the
times and opinions but not the authors, places, brands or precisions.
"""

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import shapely

from apps.insights.synthetic import patterns as pt
from apps.insights.synthetic.space import (
    Communes,
    Located,
    draw_authors,
    draw_provenance,
    draw_sources,
    locate,
    nearest_places,
    points_in,
)
from apps.insights.synthetic.texts import (
    BrandWords,
    Corpus,
    brand_terms,
    compose,
    draw_languages,
    sample_texts,
)
from geo.distance import haversine_m

STREAMS = ("authors", "brands", "time", "patterns", "space", "sentiment", "texts")
# Hour of day (UTC; France is UTC+1 or +2): quiet nights, peaks at lunch and early evening.
HOUR_SHARES = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.4,
        1,
        2,
        3.5,
        4.5,
        5,
        6,
        7,
        6.5,
        5.5,
        5,
        5,
        5.5,
        6.5,
        7,
        6.5,
        5,
        3.5,
        2.5,
        1.5,
    ]
)
SPIKE_HOURS = (6, 21)
# Brand shares: national shares around which each zone's own shares vary.
NATIONAL_SHARE_CONCENTRATION = 5.0
ZONE_SHARE_SIGMA = 0.6
FRANCE_CENTRE = (2.43, 46.54)


@dataclass(frozen=True)
class BrandSpec:
    id: int
    slug: str
    words: BrandWords
    place_ids: np.ndarray
    place_xy: np.ndarray  # (places, 2)


@dataclass(frozen=True)
class PlanOptions:
    n: int
    end: dt.date
    seed: int = 0
    days: int = 90
    patterns: bool = True
    country_xy: tuple[float, float] = FRANCE_CENTRE
    country_radius_m: float = 500_000.0
    place_radius_m: float = 50.0

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True)
class Plan:
    frame: pd.DataFrame
    patterns: pt.PlantedPatterns


def plan_mentions(
    communes: Communes, brands: list[BrandSpec], corpus: Corpus, options: PlanOptions
) -> Plan:
    """The synthetic mentions of `options`, one row each, and what was planted in them."""
    seeds = np.random.SeedSequence(options.seed).spawn(len(STREAMS))
    rng = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seeds, strict=True)}
    author, commune = draw_authors(rng["authors"], options.n, communes.weights)
    brand, shares = _draw_brands(rng["brands"], communes, commune, len(brands))
    day, seconds = _draw_times(rng["time"], options)
    patterns, spike_rows = _plant(rng["patterns"], communes, brands, options, (brand, day, seconds))
    located = _locate(rng["space"], communes, brands, drawn=(commune, brand), options=options)
    weekday = (options.start.weekday() + day) % 7
    label = _draw_labels(rng["sentiment"], brands, patterns, (brand, weekday, located), spike_rows)
    patterns = _with_shares(patterns, shares, np.unique(communes.zones), brands)
    drawn = (author, brand, day, seconds, label)
    frame = _frame(rng, brands, corpus, options=options, drawn=drawn, located=located)
    frame["commune"] = communes.codes[commune]
    return Plan(frame, patterns)


def _draw_brands(
    rng: np.random.Generator, communes: Communes, commune: np.ndarray, n_brands: int
) -> tuple[np.ndarray, np.ndarray]:
    """Brand of each mention from its zone's shares: (brand index, (zones, brands) shares)."""
    zones, zone_of_commune = np.unique(communes.zones, return_inverse=True)
    national = rng.dirichlet(np.full(n_brands, NATIONAL_SHARE_CONCENTRATION))
    shares = national * rng.lognormal(0.0, ZONE_SHARE_SIGMA, (len(zones), n_brands))
    shares /= shares.sum(axis=1, keepdims=True)
    return pt.categorical_rows(rng, shares[zone_of_commune[commune]]), shares


def _weekday_volume(options: PlanOptions) -> np.ndarray:
    week = pt.WEEKDAY_VOLUME if options.patterns else pt.FLAT_WEEK
    return np.array(week)[(options.start.weekday() + np.arange(options.days)) % 7]


def _draw_times(rng: np.random.Generator, options: PlanOptions) -> tuple[np.ndarray, np.ndarray]:
    """Day index (weekly cycle) and second of the day (daily cycle) of each mention."""
    volume = _weekday_volume(options)
    day = rng.choice(options.days, size=options.n, p=volume / volume.sum())
    hour = rng.choice(24, size=options.n, p=HOUR_SHARES / HOUR_SHARES.sum())
    return day, hour * 3600 + rng.integers(0, 3600, size=options.n)


def _plant(
    rng: np.random.Generator,
    communes: Communes,
    brands: list[BrandSpec],
    options: PlanOptions,
    drawn: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[pt.PlantedPatterns, np.ndarray]:
    """Draw the patterns; the spike takes over some mentions (brand, day and hour changed in
    place). Returns the patterns and the spike's rows."""
    slugs = [b.slug for b in brands]
    mixes = pt.draw_brand_mixes(rng, len(brands), options.patterns)
    brand_mix = {s: tuple(round(float(p), 4) for p in m) for s, m in zip(slugs, mixes, strict=True)}
    if not options.patterns:
        flat = pt.PlantedPatterns(False, (), None, pt.FLAT_WEEK, pt.FLAT_WEEK, brand_mix)
        return flat, np.empty(0, dtype=np.int64)
    largest = np.argsort(-communes.population, kind="stable")[: pt.HOTSPOT_CANDIDATES]
    centres = shapely.get_coordinates(shapely.centroid(communes.geoms[largest]))
    candidates = [
        (str(communes.codes[i]), float(x), float(y))
        for i, (x, y) in zip(largest, centres, strict=True)
    ]
    share = np.bincount(drawn[0], minlength=len(brands)) / options.n
    hotspots = pt.draw_hotspots(rng, candidates, slugs, share)
    spike, rows = _plant_spike(rng, slugs, options, drawn)
    week = (pt.WEEKDAY_VOLUME, pt.WEEKDAY_NEGATIVE_FACTOR)
    return pt.PlantedPatterns(True, hotspots, spike, *week, brand_mix), rows


def _plant_spike(
    rng: np.random.Generator,
    slugs: list[str],
    options: PlanOptions,
    drawn: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[pt.Spike, np.ndarray]:
    brand, day, seconds = drawn
    margin = 7 if options.days >= 21 else 0
    spike_day = int(rng.integers(margin, options.days - margin))
    spike_brand = int(
        rng.choice(len(slugs), p=np.bincount(brand, minlength=len(slugs)) / len(brand))
    )
    volume = _weekday_volume(options)
    share, day_share = np.mean(brand == spike_brand), volume[spike_day] / volume.sum()
    rows = rng.choice(options.n, size=pt.spike_size(options.n, share, day_share), replace=False)
    brand[rows], day[rows] = spike_brand, spike_day
    seconds[rows] = rng.integers(SPIKE_HOURS[0] * 3600, SPIKE_HOURS[1] * 3600, size=rows.size)
    when = options.start + dt.timedelta(days=spike_day)
    return pt.Spike(when, slugs[spike_brand], int(rows.size)), rows


def _locate(
    rng: np.random.Generator,
    communes: Communes,
    brands: list[BrandSpec],
    *,
    drawn: tuple[np.ndarray, np.ndarray],
    options: PlanOptions,
) -> Located:
    commune, brand = drawn
    xy = points_in(rng, communes.geoms, commune)
    has_places = np.array([len(b.place_ids) > 0 for b in brands])
    provenance = draw_provenance(rng, options.n, has_places[brand])
    place = nearest_places(xy, brand, [(b.place_ids, b.place_xy) for b in brands])
    fixed = (options.country_xy, options.country_radius_m, options.place_radius_m)
    return locate(rng, communes, (commune, xy), provenance=provenance, place=place, fixed=fixed)


def _draw_labels(
    rng: np.random.Generator,
    brands: list[BrandSpec],
    patterns: pt.PlantedPatterns,
    drawn: tuple[np.ndarray, np.ndarray, Located],
    spike_rows: np.ndarray,
) -> np.ndarray:
    """Opinion label (index into LABELS) of each mention, with the patterns applied."""
    brand, weekday, located = drawn
    mixes = np.array([patterns.brand_mix[b.slug] for b in brands])
    mix = mixes[brand]
    if patterns.enabled:
        mix = pt.weekday_negative(mix, np.array(patterns.weekday_negative_factor)[weekday])
        slugs = [b.slug for b in brands]
        for spot in patterns.hotspots:
            near = haversine_m(located.lon, located.lat, spot.lon, spot.lat) <= spot.radius_m
            mine = (brand == slugs.index(spot.brand_slug)) & (located.provenance != "country")
            mix[near & mine] = pt.HOTSPOT_MIX
        mix[spike_rows] = pt.SPIKE_MIX
    return pt.categorical_rows(rng, mix)


def _with_shares(
    patterns: pt.PlantedPatterns, shares: np.ndarray, zones: np.ndarray, brands: list[BrandSpec]
) -> pt.PlantedPatterns:
    by_zone = {
        str(zone): {b.slug: round(float(s), 4) for b, s in zip(brands, row, strict=True)}
        for zone, row in zip(zones, shares, strict=True)
    }
    return replace(patterns, brand_share_by_zone=by_zone)


def _frame(
    rng: dict[str, np.random.Generator],
    brands: list[BrandSpec],
    corpus: Corpus,
    *,
    options: PlanOptions,
    drawn: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    located: Located,
) -> pd.DataFrame:
    author, brand, day, seconds, label = drawn
    texts, lang, start, end = _texts(rng["texts"], brands, corpus, brand, label)
    score, confidence = pt.planted_scores(rng["sentiment"], label)
    epoch = dt.datetime.combine(options.start, dt.time(), tzinfo=dt.UTC).timestamp()
    place_id = pd.arrays.IntegerArray(located.place_id, located.place_id < 0)
    return pd.DataFrame(
        {
            "external_id": [f"gen-{options.seed}-{i}" for i in range(options.n)],
            "source": draw_sources(rng["space"], located.provenance),
            "text": texts,
            "lang": lang,
            "author": author,
            "created_at": pd.to_datetime(epoch + day * 86_400 + seconds, unit="s", utc=True),
            "lon": located.lon,
            "lat": located.lat,
            "precision_m": located.precision_m,
            "provenance": located.provenance,
            "place_id": place_id,
            "brand_id": np.array([b.id for b in brands], dtype=np.int64)[brand],
            "span_start": start,
            "span_end": end,
            "opinion_label": np.array(pt.LABELS, dtype=object)[label],
            "opinion_score": score,
            "opinion_confidence": confidence,
        }
    )


def _texts(
    rng: np.random.Generator,
    brands: list[BrandSpec],
    corpus: Corpus,
    brand: np.ndarray,
    label: np.ndarray,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Text with the brand named in it, its language, and the span of the brand's name."""
    rows = sample_texts(rng, corpus, draw_languages(rng, len(brand), corpus), label)
    lang = corpus.lang[rows]
    terms, is_tag = brand_terms(rng, [b.words for b in brands], brand, lang)
    texts, start, end = compose(rng, corpus.text[rows], terms, is_tag)
    return texts, lang, start, end
