"""Degree-2 chain contraction: a smaller search graph with the same shortest travel times.

OSM exports keep every shape point where a way was split as a node (Wuhan: 82,902 nodes, mean degree
2.2). A node whose only neighbours are two other nodes, and where the road simply continues (both
directions open, or one way straight through), is a *chain interior* node: every path through it
goes on to the other neighbour. Maximal runs of such nodes between two *kept* nodes (junctions,
dead ends, direction changes) are chains; each chain becomes one arc per open direction between its
kept ends, weighted by the chain's total time. Dead-end nodes (one neighbour) are chain interiors too:
their chain hangs off one kept node and adds no arc. Dijkstra runs on the kept nodes only (Wuhan:
16,897 of 82,902 nodes, 52,708 of 185,286 arcs).

Nothing is lost: for an interior node ``x`` of a chain from kept node ``A`` to kept node ``B`` the
times along the chain ``A -> x``, ``x -> B``, ``B -> x``, ``x -> A`` are stored, so

* a snapped point on an edge whose end ``x`` is interior gets virtual arcs to ``A`` and ``B`` with the
  partial edge time plus ``x -> A`` / ``x -> B`` (:meth:`ContractedGraph.entry_arcs`),
* the time to (or from) an interior node is the best of its two chain ends plus the chain offset
  (:meth:`ContractedGraph.expand`), and
* a path that never reaches a kept node (source and target on one chain) is driven along the chain
  directly (:meth:`ContractedGraph.along_chain`).

Original edges stay in :class:`~precinct.geo.graph.RoadGraph` for snapping and path geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True, eq=False)
class ContractedGraph:
    """The kept nodes of a road graph, joined by chain arcs, and the offsets of chain interiors.

    Attributes
    ----------
    kept
        Original node index of each contracted node.
    node_of
        Contracted index of each original node; -1 for chain interior nodes.
    forward, backward
        CSR matrices of free-flow seconds between contracted nodes (and the reverse).
    chain
        Chain id of each original node; -1 for kept nodes.
    position
        Order of an interior node along its chain (0 next to ``end_a``).
    end_a, end_b
        Contracted index of the kept node at the start / end of the node's chain (-1 for kept nodes;
        ``end_b`` is also -1 for a chain that ends in a dead end).
    from_a_s, to_b_s
        Seconds ``end_a -> node`` and ``node -> end_b`` along the chain (inf if one-way against).
    from_b_s, to_a_s
        Seconds ``end_b -> node`` and ``node -> end_a`` along the chain (inf if one-way against).
    """

    kept: np.ndarray
    node_of: np.ndarray
    forward: sp.csr_matrix
    backward: sp.csr_matrix
    chain: np.ndarray
    position: np.ndarray
    end_a: np.ndarray
    end_b: np.ndarray
    from_a_s: np.ndarray
    to_b_s: np.ndarray
    from_b_s: np.ndarray
    to_a_s: np.ndarray

    @property
    def node_count(self) -> int:
        """Number of contracted (kept) nodes."""
        return len(self.kept)

    def entry_arcs(self, nodes: np.ndarray, costs: np.ndarray, *, outbound: bool) -> tuple[np.ndarray, np.ndarray]:
        """Map virtual arcs to original nodes onto contracted nodes.

        Parameters
        ----------
        nodes, costs
            (k, m) original nodes and seconds between each virtual point and them (inf = closed).
        outbound
            True for a point that drives to ``nodes`` (a search on ``forward``); False for a point
            reached from ``nodes`` (a search on ``backward``).

        Returns
        -------
        tuple of numpy.ndarray
            (k, 2m) contracted nodes and costs; a kept node maps to itself (cost unchanged, second
            slot inf), an interior node to its two chain ends with the chain offsets added.
        """
        kept = self.node_of[nodes] >= 0
        first = np.where(kept, self.node_of[nodes], self.end_a[nodes])
        second = np.where(kept, 0, np.maximum(self.end_b[nodes], 0))
        to_first = self.to_a_s[nodes] if outbound else self.from_a_s[nodes]
        to_second = self.to_b_s[nodes] if outbound else self.from_b_s[nodes]
        first_cost = np.where(kept, costs, costs + to_first)
        second_cost = np.where(kept, np.inf, costs + to_second)
        return np.concatenate([first, second], axis=1), np.concatenate([first_cost, second_cost], axis=1)

    def expand(self, distance: np.ndarray, nodes: np.ndarray, *, outbound: bool) -> np.ndarray:
        """Seconds to (``outbound``) or from original ``nodes``, given contracted-node seconds.

        ``distance`` is (..., node_count) from a search on ``forward`` (outbound: source -> node) or
        ``backward`` (node -> target). Paths that stay inside one chain are not included; add
        :meth:`along_chain`.
        """
        nodes = np.asarray(nodes)
        kept = self.node_of[nodes] >= 0
        via_a = self.from_a_s[nodes] if outbound else self.to_a_s[nodes]
        via_b = self.from_b_s[nodes] if outbound else self.to_b_s[nodes]
        a = np.where(kept, self.node_of[nodes], self.end_a[nodes])
        b = np.where(kept, 0, np.maximum(self.end_b[nodes], 0))
        through = np.minimum(distance[..., a] + via_a, distance[..., b] + via_b)
        return np.where(kept, distance[..., a], through)

    def along_chain(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Seconds from original node ``start`` to ``end`` along their shared chain.

        The drive follows the chain without reaching its kept ends: inf unless both are interior
        nodes of one chain and its direction allows it; 0 when ``start == end``. Arrays broadcast.
        """
        start, end = np.broadcast_arrays(np.asarray(start), np.asarray(end))
        same = (self.chain[start] >= 0) & (self.chain[start] == self.chain[end])
        ahead = self.position[end] >= self.position[start]
        behind = self.position[end] <= self.position[start]
        with np.errstate(invalid="ignore"):
            forward = np.where(ahead, self.from_a_s[end] - self.from_a_s[start], np.inf)
            backward = np.where(behind, self.to_a_s[start] - self.to_a_s[end], np.inf)
        forward = np.where(np.isnan(forward), np.inf, forward)
        backward = np.where(np.isnan(backward), np.inf, backward)
        same_node = start == end
        return np.where(same_node, 0.0, np.where(same, np.minimum(forward, backward), np.inf))


def contract_degree_two(forward: sp.csr_matrix) -> ContractedGraph:
    """Contract the chains of a directed road graph given as CSR of arc seconds (no duplicate arcs).

    A node is a chain interior when it has exactly two distinct neighbours ``p``, ``q`` and either
    both directions to both are open, or the only arcs are ``p -> node -> q``; or when it has a
    single neighbour (a dead end). Rings and paths made only of such nodes keep one node.
    """
    n = forward.shape[0]
    backward = forward.transpose().tocsr()
    tail = np.repeat(np.arange(n), np.diff(forward.indptr))
    head = forward.indices.astype(np.int64)
    pattern = sp.csr_matrix((np.ones(len(tail)), (tail, head)), shape=(n, n))
    undirected = (pattern + pattern.T).tocsr()
    undirected.sum_duplicates()
    degree = np.diff(undirected.indptr)
    out_degree, in_degree = np.diff(forward.indptr), np.diff(backward.indptr)
    through = (degree == 2) & (((out_degree == 2) & (in_degree == 2)) | ((out_degree == 1) & (in_degree == 1)))
    interior = through | (degree == 1)
    keys = tail * n + head
    order = np.argsort(keys)
    keys, weights = keys[order], forward.data[order]

    def arc_s(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        wanted = a * n + b
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where((keys[at] == wanted) & (b >= 0), weights[at], np.inf)

    candidates = np.flatnonzero(interior)
    first = undirected.indices[undirected.indptr[candidates]].astype(np.int64)
    after_first = np.minimum(undirected.indptr[candidates] + 1, len(undirected.indices) - 1)
    second = np.where(through[candidates], undirected.indices[after_first], -1).astype(np.int64)  # -1: dead end
    neighbours = np.full((n, 2), -1, np.int64)
    neighbours[candidates, 0], neighbours[candidates, 1] = first, second
    out_s = np.full((n, 2), np.inf)
    in_s = np.full((n, 2), np.inf)
    out_s[candidates, 0], out_s[candidates, 1] = arc_s(candidates, first), arc_s(candidates, second)
    in_s[candidates, 0], in_s[candidates, 1] = arc_s(first, candidates), arc_s(second, candidates)
    chains = _walk_chains(interior, undirected, neighbours, out_s, in_s)
    return _assemble(forward, interior, chains)


def _walk_chains(
    interior: np.ndarray, undirected: sp.csr_matrix, neighbours: np.ndarray, out_s: np.ndarray, in_s: np.ndarray
) -> dict[str, np.ndarray]:
    """Walk every chain from a kept node; return flat arrays over chains, their nodes and steps.

    Chain ``c`` runs ``start[c] -> nodes... -> end[c]``; it has ``m`` interior nodes and ``m + 1``
    steps. ``ahead`` holds the time of each step in walking direction, ``back`` of its reverse arc
    (inf when closed). Rings of interior nodes only keep one node (``interior`` is updated).
    """
    inner = interior.tolist()
    nbr = neighbours.ravel().tolist()  # flat: [2 * node + side]
    outs, ins = out_s.ravel().tolist(), in_s.ravel().tolist()
    indptr, indices = undirected.indptr.tolist(), undirected.indices.tolist()
    visited = [False] * len(inner)
    starts, ends, sizes, nodes, ahead, back = [], [], [], [], [], []

    def walk(start: int, node: int) -> None:
        prev, count = start, 0
        while True:
            here = 2 * node if nbr[2 * node] == prev else 2 * node + 1
            there = 4 * node + 1 - here
            ahead.append(ins[here])
            back.append(outs[here])
            visited[node] = True
            nodes.append(node)
            count += 1
            other = nbr[there]
            if other < 0:  # a dead end: the chain hangs off ``start`` only
                ahead.append(0.0)
                back.append(0.0)
                starts.append(start)
                ends.append(-1)
                sizes.append(count)
                return
            if not inner[other] or visited[other]:
                ahead.append(outs[there])
                back.append(ins[there])
                starts.append(start)
                ends.append(other)
                sizes.append(count)
                return
            prev, node = node, other

    for start in range(len(inner)):
        if inner[start]:
            continue
        for node in indices[indptr[start] : indptr[start + 1]]:
            if inner[node] and not visited[node]:
                walk(start, node)
    for ring in range(len(inner)):
        if inner[ring] and not visited[ring]:
            inner[ring] = False
            interior[ring] = False
            visited[ring] = True
            for node in nbr[2 * ring : 2 * ring + 2]:
                if node >= 0 and inner[node] and not visited[node]:
                    walk(ring, node)
    return {
        "start": np.asarray(starts, np.int64),
        "end": np.asarray(ends, np.int64),
        "size": np.asarray(sizes, np.int64),
        "nodes": np.asarray(nodes, np.int64),
        "ahead": np.asarray(ahead, float),
        "back": np.asarray(back, float),
    }


def _offsets(steps: np.ndarray, first: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per chain: open (all steps finite) and total seconds; per interior node: seconds from the start."""
    finite = np.isfinite(steps)
    open_ = np.logical_and.reduceat(finite, first) if len(first) else np.zeros(0, bool)
    values = np.where(finite, steps, 0.0)
    running = np.cumsum(values)
    before = running[first] - values[first]
    inclusive = running - np.repeat(before, size + 1)
    total = inclusive[first + size]
    node_step = np.repeat(first, size) + _ranks(size)
    return open_, total, inclusive[node_step]


def _ranks(size: np.ndarray) -> np.ndarray:
    """0, 1, ..., size[c] - 1 for each chain, concatenated."""
    ranks: np.ndarray = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    return ranks


def _assemble(forward: sp.csr_matrix, interior: np.ndarray, chains: dict[str, np.ndarray]) -> ContractedGraph:
    n = forward.shape[0]
    kept = np.flatnonzero(~interior)
    node_of = np.full(n, -1, np.int64)
    node_of[kept] = np.arange(len(kept))
    start, end, size, nodes = chains["start"], chains["end"], chains["size"], chains["nodes"]
    first = np.cumsum(size + 1) - (size + 1)
    id_ = np.repeat(np.arange(len(size)), size)
    chain = np.full(n, -1, np.int64)
    chain[nodes] = id_
    position = np.zeros(n, np.int64)
    position[nodes] = _ranks(size)
    end_a = np.full(n, -1, np.int64)
    end_b = np.full(n, -1, np.int64)
    hanging = end < 0
    end_a[nodes], end_b[nodes] = node_of[start][id_], np.where(hanging, -1, node_of[end])[id_]
    offsets = {}
    open_ahead, total_ahead, from_a = _offsets(chains["ahead"], first, size)
    open_back, total_back, to_a = _offsets(chains["back"], first, size)
    open_ahead_b, open_back_b = open_ahead & ~hanging, open_back & ~hanging
    for name, is_open, values in (
        ("from_a", open_ahead, from_a),
        ("to_b", open_ahead_b, total_ahead[id_] - from_a),
        ("to_a", open_back, to_a),
        ("from_b", open_back_b, total_back[id_] - to_a),
    ):
        offsets[name] = np.full(n, np.inf)
        offsets[name][nodes] = np.where(is_open[id_], values, np.inf)
    arc_tail = np.repeat(np.arange(n), np.diff(forward.indptr))
    direct = ~interior[arc_tail] & ~interior[forward.indices]
    tail = np.concatenate([arc_tail[direct], start[open_ahead_b], end[open_back_b]])
    head = np.concatenate([forward.indices[direct].astype(np.int64), end[open_ahead_b], start[open_back_b]])
    weight = np.concatenate([forward.data[direct], total_ahead[open_ahead_b], total_back[open_back_b]])
    matrix = _csr_min(node_of[tail], node_of[head], weight, len(kept))
    return ContractedGraph(
        kept=kept,
        node_of=node_of,
        forward=matrix,
        backward=matrix.transpose().tocsr(),
        chain=chain,
        position=position,
        end_a=end_a,
        end_b=end_b,
        from_a_s=offsets["from_a"],
        to_b_s=offsets["to_b"],
        from_b_s=offsets["from_b"],
        to_a_s=offsets["to_a"],
    )


def _csr_min(tail: np.ndarray, head: np.ndarray, weight: np.ndarray, n: int) -> sp.csr_matrix:
    """CSR of arcs keeping the fastest of parallel arcs and dropping loops."""
    keep = tail != head
    tail, head, weight = tail[keep], head[keep], weight[keep]
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    first = np.ones(len(tail), bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, weight = tail[first], head[first], weight[first]
    indptr = np.zeros(n + 1, np.int32)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return sp.csr_matrix((weight, head.astype(np.int32), indptr), shape=(n, n))
