"""Which submissions share code: winnowed k-gram fingerprints of the normalised tokens.

Every run of `K` consecutive tokens is hashed (BLAKE2b, 8 bytes: the same in every run, unlike
`hash()`); winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003, as MOSS does) keeps the
smallest hash of every `WINDOW` consecutive ones, so any shared run of `K + WINDOW - 1` = 17
tokens or more is found whatever surrounds it. Fingerprints are taken statement by statement
(top-level statements of a cell: a function, a loop, an assignment): none spans two, so the
order of the functions does not matter, and a statement shorter than `K` tokens is one
fingerprint of its own.
A pair's score is the Dice coefficient of the two fingerprint sets, 2 |A & B| / (|A| + |B|):
1.0 for the same code, near 0 for code written apart; both sides' coverage (|A & B| / |A|, and
for B) are kept for the report. Pairs are found through an index from fingerprint to
submissions, so unrelated pairs cost nothing.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from autograder.similarity.normalise import Token

K = 12
WINDOW = 6


def _hash(gram: tuple[str, ...]) -> int:
    digest = hashlib.blake2b("\x00".join(gram).encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


Prints = dict[int, list[tuple[int, int]]]
"""A submission's fingerprints: hash -> the token ranges `[start, end)` its k-gram covers."""


def _winnow(texts: Sequence[str], offset: int, chosen: Prints) -> None:
    """Add the winnowed fingerprints of one statement's tokens `texts` (starting at token
    `offset` of the submission) to `chosen`; a statement shorter than `K` tokens is one
    fingerprint, so short functions are compared too."""
    hashes = [_hash(tuple(texts[i : i + K])) for i in range(max(1, len(texts) - K + 1))]
    last = -1
    for start in range(max(1, len(hashes) - WINDOW + 1)):
        window = hashes[start : start + WINDOW]
        low = min(window)
        pick = start + max(i for i, value in enumerate(window) if value == low)  # rightmost
        if pick != last:
            span = (offset + pick, offset + min(pick + K, len(texts)))
            chosen[hashes[pick]].append(span)
            last = pick


def fingerprints(tokens: Sequence[Token]) -> Prints:
    """Winnowed fingerprints of `tokens`, statement by statement (see `Prints`)."""
    chosen: Prints = defaultdict(list)
    offset = 0
    for _, statement in itertools.groupby(tokens, key=lambda token: (token.cell, token.statement)):
        texts = [token.text for token in statement]
        _winnow(texts, offset, chosen)
        offset += len(texts)
    return dict(chosen)


@dataclass(frozen=True)
class Pair:
    """Two submissions (indexes into the compared list, `a < b`) and how much they share."""

    a: int
    b: int
    shared: int
    score: float
    coverage_a: float
    coverage_b: float


def rank(prints: Sequence[Prints]) -> list[Pair]:
    """Every pair sharing at least one fingerprint, highest score first (ties: more shared
    fingerprints, then input order)."""
    holders: dict[int, list[int]] = defaultdict(list)
    for index, found in enumerate(prints):
        for value in found:
            holders[value].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for indexes in holders.values():
        for i, a in enumerate(indexes):
            for b in indexes[i + 1 :]:
                shared[a, b] += 1
    pairs = []
    for (a, b), count in shared.items():
        size_a, size_b = len(prints[a]), len(prints[b])
        score = 2 * count / (size_a + size_b)
        pairs.append(Pair(a, b, count, score, count / size_a, count / size_b))
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.a, p.b))


@dataclass(frozen=True)
class Region:
    """A run of shared code: the token ranges `[start, end)` on each side, numbered in order
    of side a."""

    number: int
    a: tuple[int, int]
    b: tuple[int, int]


def _same(tokens_a: Sequence[Token], i: int, tokens_b: Sequence[Token], j: int) -> bool:
    return tokens_a[i].text == tokens_b[j].text


def _statement(tokens: Sequence[Token], i: int) -> tuple[int, int]:
    return tokens[i].cell, tokens[i].statement


def _extend(run: list[int], tokens_a: Sequence[Token], tokens_b: Sequence[Token]) -> None:
    """Grow a run `[a_start, a_end, b_start, b_end]` both ways over the same tokens on both
    sides, within the statements it starts and ends in: winnowing finds shared code, but its
    fingerprints need not cover all of it."""
    first_a, first_b = _statement(tokens_a, run[0]), _statement(tokens_b, run[2])
    while (
        run[0] > 0
        and run[2] > 0
        and _statement(tokens_a, run[0] - 1) == first_a
        and _statement(tokens_b, run[2] - 1) == first_b
        and _same(tokens_a, run[0] - 1, tokens_b, run[2] - 1)
    ):
        run[0], run[2] = run[0] - 1, run[2] - 1
    last_a, last_b = _statement(tokens_a, run[1] - 1), _statement(tokens_b, run[3] - 1)
    while (
        run[1] < len(tokens_a)
        and run[3] < len(tokens_b)
        and _statement(tokens_a, run[1]) == last_a
        and _statement(tokens_b, run[3]) == last_b
        and _same(tokens_a, run[1], tokens_b, run[3])
    ):
        run[1], run[3] = run[1] + 1, run[3] + 1


def regions(
    prints_a: Prints, prints_b: Prints, tokens_a: Sequence[Token], tokens_b: Sequence[Token]
) -> list[Region]:
    """The shared code of two submissions (their fingerprints and tokens) as matching regions:
    each shared fingerprint covers its k-gram's tokens on both sides; a fingerprint that
    overlaps or adjoins the previous run on side a and continues it forward on side b is merged
    into it (a reordered function starts a region of its own); each run then grows over the
    same tokens around it, within its first and last statement."""
    matches = sorted(
        (span_a, span_b)
        for value in prints_a.keys() & prints_b.keys()
        for span_a in prints_a[value]
        for span_b in prints_b[value]
    )
    runs: list[list[int]] = []  # [a_start, a_end, b_start, b_end]
    for (start_a, end_a), (start_b, end_b) in matches:
        if runs:
            run = runs[-1]
            if start_a <= run[1] and run[2] <= start_b <= run[3]:
                run[1], run[3] = max(run[1], end_a), max(run[3], end_b)
                continue
        runs.append([start_a, end_a, start_b, end_b])
    for run in runs:
        _extend(run, tokens_a, tokens_b)
    return [Region(n, (r[0], r[1]), (r[2], r[3])) for n, r in enumerate(runs, start=1)]
