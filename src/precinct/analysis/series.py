r"""Crime-series linking: rank pairs of incidents likely to be the work of the same series.

Formulation
-----------
For incidents :math:`i, j` of the same category within ``max_distance_m`` and ``max_days``,

.. math:: s_{ij} = e^{-d_{ij}/d_0}\; e^{-\Delta t_{ij}/t_0}\; \bigl(\beta + (1-\beta) J_{ij}\bigr),

with :math:`d_0` = ``distance_scale_m``, :math:`t_0` = ``time_scale_days`` and :math:`J_{ij}` the
Jaccard similarity of the method keyword sets (words of the ``method_column``; 1 when there is no
such column). Pairs with :math:`s_{ij} \ge` ``min_score`` are linked and the connected components of
linked pairs form candidate series, ranked by their summed score. This is the similarity-and-threshold
approach reviewed by Bennell & Canter (2002) and Porter (2016). Works on incidents, never on persons.

References
----------
Bennell, C. & Canter, D. V. (2002). Linking commercial burglaries by modus operandi. Science & Justice.
Porter, M. D. (2016). A statistical approach to crime linkage. The American Statistician 70(2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from precinct.core.errors import ValidationError
from precinct.geo.projection import lonlat_to_xy, projected_crs_for


@dataclass(frozen=True)
class LinkedPair:
    """Two incidents (by ``id`` or row label) and their link score."""

    first: str
    second: str
    score: float
    distance_m: float
    gap_days: float
    keyword_similarity: float


@dataclass(frozen=True)
class CandidateSeries:
    """A connected group of linked incidents."""

    incidents: tuple[str, ...]
    score: float
    category: str


@dataclass(frozen=True)
class SeriesLinks:
    """Result of :func:`link_series`: ranked pairs and ranked candidate series."""

    pairs: tuple[LinkedPair, ...]
    series: tuple[CandidateSeries, ...]


def _keyword_matrix(texts: pd.Series) -> csr_matrix:
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(binary=True, token_pattern=r"(?u)\b\w\w+\b", lowercase=True)
    return vectorizer.fit_transform(texts.fillna("").astype(str)).tocsr()


def link_series(
    frame: pd.DataFrame, *, method_column: str | None = None, max_distance_m: float = 1000.0,
    max_days: float = 30.0, distance_scale_m: float = 300.0, time_scale_days: float = 7.0,
    keyword_floor: float = 0.3, min_score: float = 0.3, top: int = 100,
) -> SeriesLinks:
    """Rank incident pairs and candidate series (see module formulation).

    Raises
    ------
    ValidationError
        On missing columns or non-positive scales.
    """
    needed = ["occurred_at", "category", "lat", "lon"] + ([method_column] if method_column else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValidationError(f"frame: missing columns {missing}")
    if min(max_distance_m, max_days, distance_scale_m, time_scale_days) <= 0 or not 0 <= keyword_floor <= 1:
        raise ValidationError("scales: distances and times must be positive and keyword_floor in [0, 1]")
    if not isinstance(frame["occurred_at"].dtype, pd.DatetimeTZDtype):
        raise ValidationError("occurred_at: needs tz-aware datetimes")
    if len(frame) < 2:
        return SeriesLinks((), ())
    ids = frame["id"] if "id" in frame.columns else pd.Series(frame.index, index=frame.index)
    labels = ids.astype(str).to_numpy()
    lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    x_m, y_m = lonlat_to_xy(projected_crs_for(lon, lat), lon, lat)
    days = frame["occurred_at"].dt.tz_convert("UTC").astype("datetime64[s, UTC]").astype("int64").to_numpy() / 86_400.0
    category = frame["category"].astype("string").fillna("?").to_numpy(dtype=object)
    pairs = cKDTree(np.column_stack([x_m, y_m])).query_pairs(max_distance_m, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    gap = np.abs(days[i] - days[j])
    keep = (gap <= max_days) & (category[i] == category[j])
    i, j, gap = i[keep], j[keep], gap[keep]
    distance = np.hypot(x_m[i] - x_m[j], y_m[i] - y_m[j])
    if method_column:
        words = _keyword_matrix(frame[method_column])
        sizes = np.asarray(words.sum(axis=1)).ravel()
        shared = np.asarray(words[i].multiply(words[j]).sum(axis=1)).ravel()
        union = sizes[i] + sizes[j] - shared
        jaccard = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
    else:
        jaccard = np.ones(i.size)
    score = (np.exp(-distance / distance_scale_m) * np.exp(-gap / time_scale_days)
             * (keyword_floor + (1 - keyword_floor) * jaccard))
    linked = score >= min_score
    order = np.argsort(-score, kind="stable")[:top]
    ranked_pairs = tuple(
        LinkedPair(labels[i[k]], labels[j[k]], float(score[k]), float(distance[k]), float(gap[k]), float(jaccard[k]))
        for k in order
    )
    n_events = len(frame)
    graph = coo_matrix((np.ones(int(linked.sum())), (i[linked], j[linked])), shape=(n_events, n_events))
    _, component = connected_components(graph, directed=False)
    component_score = np.bincount(component[i[linked]], weights=score[linked], minlength=n_events)
    sizes = np.bincount(component, minlength=n_events)
    groups = [c for c in np.argsort(-component_score, kind="stable") if sizes[c] >= 2 and component_score[c] > 0][:top]
    series = tuple(
        CandidateSeries(tuple(labels[component == c]), float(component_score[c]), str(category[component == c][0]))
        for c in groups
    )
    return SeriesLinks(ranked_pairs, series)
