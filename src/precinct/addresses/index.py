"""The in-memory search index of the address register: search as you type and nearest addresses.

Built from plain arrays (no database): :func:`build_index` takes the register's ids, points,
organisation units, searchable texts and search keys, and returns an :class:`AddressIndex`.

- **Chinese characters** are matched as substrings of the searchable text. Each Chinese character
  has a posting list (the addresses that hold it, one CSR array); a query's characters are
  intersected (boolean masks), and the survivors are checked for the whole substring in rank
  order, until enough are found.
- **Latin letters and digits** (pinyin, initials, English and OpenStreetMap names, house numbers)
  are matched as prefixes of the search keys: the distinct keys are sorted, so the keys starting
  with a term are one contiguous range, and their postings are one contiguous slice.
- **Ranking**: the distance to the given centre plus :data:`MID_WORD_PENALTY_M` when the Chinese
  text matches inside a word rather than at its start; without a centre, start matches first,
  then shorter texts.
- **Nearest addresses**: a KD-tree (``scipy.spatial.cKDTree``) over the points in a local
  equirectangular projection (metres; the error is below 0.1 % over a city).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from precinct.addresses.keys import query_terms

EARTH_RADIUS_M = 6_371_008.8
MID_WORD_PENALTY_M = 2_000.0
"""How much farther a start-of-word match may be and still rank above a mid-word match."""
RANKED_POOL = 400
"""Candidates ranked by distance before the text checks (the rest cannot reach the first page)."""


@dataclass(frozen=True)
class Hit:
    """One search result: a row of the index, its distance (``None`` without a centre) and score."""

    row: int
    address_id: int
    distance_m: float | None
    start_of_word: bool


@dataclass(frozen=True, eq=False)
class _Postings:
    """A CSR inverted index: the rows of key ``k`` are ``rows[offsets[k]:offsets[k + 1]]``."""

    keys: list[str]
    offsets: np.ndarray
    rows: np.ndarray

    def rows_of_range(self, lo: int, hi: int) -> np.ndarray:
        return self.rows[self.offsets[lo]:self.offsets[hi]]

    def rows_with_prefix(self, prefix: str) -> np.ndarray:
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff")
        return self.rows_of_range(lo, hi)

    def rows_of(self, key: str) -> np.ndarray:
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            return self.rows_of_range(at, at + 1)
        return self.rows[:0]


@dataclass(frozen=True, eq=False)
class AddressIndex:
    """Every searchable address of a register, for search as you type and nearest-address lookups."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    district_ids: np.ndarray
    station_ids: np.ndarray
    beat_ids: np.ndarray
    texts: Sequence[str]
    origin: tuple[float, float]
    characters: _Postings
    tokens: _Postings
    tree: cKDTree | None
    _scope_masks: dict[frozenset[int], np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        """Return the number of addresses."""
        return len(self.ids)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Return (x, y) in metres of a WGS84 point in the index's local projection."""
        x, y = _project(np.array([lon]), np.array([lat]), self.origin)
        return float(x[0]), float(y[0])

    def in_scope(self, units: frozenset[int] | None) -> np.ndarray | None:
        """Return the mask of the rows whose station or district is in ``units`` (``None``: all rows)."""
        if units is None:
            return None
        mask = self._scope_masks.get(units)
        if mask is None:
            wanted = np.fromiter(units, dtype=np.int64)
            mask = np.isin(self.station_ids, wanted) | np.isin(self.district_ids, wanted)
            if len(self._scope_masks) < 64:
                self._scope_masks[units] = mask
        return mask

    def search(self, query: str, *, centre: tuple[float, float] | None = None, limit: int = 10,
               units: frozenset[int] | None = None) -> list[Hit]:
        """Return up to ``limit`` addresses matching ``query``, best first.

        Parameters
        ----------
        query
            What was typed: Chinese (substrings), pinyin or initials, English or house numbers
            (prefixes of words); terms separated by spaces must all match.
        centre
            (lon, lat) of the map's centre: nearer addresses rank first.
        units
            Only addresses whose station or district is one of these (``None``: all).
        """
        cjk, latin = query_terms(query)
        if not cjk and not latin:
            return []
        mask = self._candidates(cjk, latin)
        scope = self.in_scope(units)
        if scope is not None:
            mask &= scope
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            return []
        distance = None
        if centre is not None:
            rows, distance = self._nearest_of(rows, *self.project(*centre))
        elif len(rows) > RANKED_POOL:
            rows = rows[:RANKED_POOL]
        return self._ranked(rows, distance, cjk, limit)

    def _nearest_of(self, rows: np.ndarray, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the :data:`RANKED_POOL` of ``rows`` nearest to (cx, cy) and their distances in metres.

        A short query (``ji``, ``山``) matches over 100,000 addresses: the squares of the distances
        are compared in place (``np.hypot`` over that many took most of the search's time) and the
        square root is taken of the pool only.
        """
        dx, dy = self.x_m[rows], self.y_m[rows]
        dx -= cx
        dy -= cy
        dx *= dx
        dy *= dy
        dx += dy
        if len(rows) > RANKED_POOL:
            keep = np.argpartition(dx, RANKED_POOL)[:RANKED_POOL]
            rows, dx = rows[keep], dx[keep]
        return rows, np.sqrt(dx)

    def _candidates(self, cjk: list[str], latin: list[str]) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        for term in latin:
            mask &= self._mask(self.tokens.rows_with_prefix(term))
        for term in cjk:
            for character in dict.fromkeys(term):
                mask &= self._mask(self.characters.rows_of(character))
        return mask

    def _mask(self, rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[rows] = True
        return mask

    def _ranked(self, rows: np.ndarray, distance: np.ndarray | None, cjk: list[str], limit: int) -> list[Hit]:
        starts: list[bool] = []
        kept: list[int] = []
        for i, row in enumerate(rows.tolist()):
            text = self.texts[row]
            found = [text.find(term) for term in cjk]
            if any(position < 0 for position in found):
                continue  # every character is there, but not the whole term
            kept.append(i)
            starts.append(all(p == 0 or text[p - 1] == " " or text[p - 1].isdigit() for p in found))
        if not kept:
            return []
        order_rows = rows[kept]
        start = np.array(starts)
        if distance is not None:
            score = distance[kept] + np.where(start, 0.0, MID_WORD_PENALTY_M)
        else:
            lengths = np.array([len(self.texts[r]) for r in order_rows.tolist()], dtype=float)
            score = np.where(start, 0.0, 1e6) + lengths
        best = np.argsort(score, kind="stable")[:limit]
        return [Hit(row=int(order_rows[b]), address_id=int(self.ids[order_rows[b]]),
                    distance_m=None if distance is None else float(distance[kept][b]),
                    start_of_word=bool(start[b])) for b in best]

    def nearest(self, lon: float, lat: float, *, max_distance_m: float,
                units: frozenset[int] | None = None) -> Hit | None:
        """Return the address nearest to (lon, lat) within ``max_distance_m`` (in ``units`` if given)."""
        if self.tree is None:
            return None
        x, y = self.project(lon, lat)
        scope = self.in_scope(units)
        for k in (8, 256):
            k = min(k, len(self.ids))
            distances, rows = self.tree.query([x, y], k=k, distance_upper_bound=max_distance_m)
            for d, row in zip(np.atleast_1d(distances), np.atleast_1d(rows), strict=True):
                if not np.isfinite(d):
                    return None
                if scope is None or scope[row]:
                    return Hit(row=int(row), address_id=int(self.ids[row]), distance_m=float(d), start_of_word=True)
            if k == len(self.ids):
                break
        return None


def _project(lon: np.ndarray, lat: np.ndarray, origin: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    lon0, lat0 = origin
    x = np.radians(lon - lon0) * EARTH_RADIUS_M * np.cos(np.radians(lat0))
    y = np.radians(lat - lat0) * EARTH_RADIUS_M
    return x, y


def _csr(keys: np.ndarray, rows: np.ndarray, names: list[str]) -> _Postings:
    """Return the postings of (key code, row) pairs; ``names[code]`` is each code's key, already sorted."""
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
    keys, rows = keys[fresh], rows[fresh]
    offsets = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=len(names)), out=offsets[1:])
    return _Postings(names, offsets, rows.astype(np.int32))


def _character_postings(texts: Sequence[str]) -> _Postings:
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[:len(codes)]
    chinese = ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))
    codes, rows = codes[chinese], rows[chinese]
    distinct, inverse = np.unique(codes, return_inverse=True)  # sorted by code point, as the names are
    return _csr(inverse.astype(np.int64), rows, [chr(c) for c in distinct.tolist()])


def _token_postings(search_keys: Sequence[str]) -> _Postings:
    codes: dict[str, int] = {}
    token_codes: list[int] = []
    token_rows: list[int] = []
    for row, keys in enumerate(search_keys):
        for token in keys.split():
            token_codes.append(codes.setdefault(token, len(codes)))
            token_rows.append(row)
    names = sorted(codes)
    rank = np.empty(len(codes), dtype=np.int64)
    rank[np.array([codes[n] for n in names], dtype=np.int64)] = np.arange(len(names))
    return _csr(rank[np.array(token_codes, dtype=np.int64)] if token_codes else np.empty(0, np.int64),
                np.array(token_rows, dtype=np.int64), names)


def build_index(*, ids: np.ndarray, lon: np.ndarray, lat: np.ndarray, district_ids: np.ndarray,
                station_ids: np.ndarray, beat_ids: np.ndarray, texts: Sequence[str],
                search_keys: Sequence[str]) -> AddressIndex:
    """Build the index of a register (parallel arrays; organisation ids -1 where none).

    Parameters
    ----------
    texts
        The searchable text of each address (:func:`precinct.addresses.keys.searchable_text`).
    search_keys
        The space-separated search tokens of each address (:func:`precinct.addresses.keys.search_keys`).
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    origin = (float(lon.mean()), float(lat.mean())) if len(lon) else (0.0, 0.0)
    x, y = _project(lon, lat, origin)
    return AddressIndex(
        ids=np.asarray(ids, dtype=np.int64), lon=lon, lat=lat, x_m=x, y_m=y,
        district_ids=np.asarray(district_ids, dtype=np.int64), station_ids=np.asarray(station_ids, dtype=np.int64),
        beat_ids=np.asarray(beat_ids, dtype=np.int64), texts=list(texts), origin=origin,
        characters=_character_postings(texts), tokens=_token_postings(search_keys),
        tree=cKDTree(np.column_stack([x, y])) if len(lon) else None,
    )
