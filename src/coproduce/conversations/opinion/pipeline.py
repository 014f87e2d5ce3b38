"""The opinion-map pipeline: named pure stages from votes to a readable map.

``compute(votes, ...)`` runs, in order (``result.timings`` keys in brackets):

1. [moderation]      rejected and meta statements and excluded participants leave the maths
2. [in_conversation] who is clustered: >= min(7, statements) votes, once in always in, floor 15
3. [pca]             column-mean imputation, 2 principal components (sparse, exact), then the
                     sparsity-aware projection of participants and statements, extremity
4. [base_clusters]   up to 100 k-means clusters of in-conversation participants
5. [groups]          weighted k-means of base centres for k = 2..5, silhouette, k smoothing
6. [tallies]         agree / disagree / vote counts per group, clustered and overall
7. [repness]         representative statements per group (90 % z tests)
8. [consensus]       consensus, group-aware consensus, most divisive statements
9. [routing]         routing priority of every statement
10.                  warm-start state for the next update

Every stage is a function of its inputs only; the result is a plain dataclass with
``to_dict()`` / ``to_json()``. The same votes, exclusions, state and seed give the same result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from . import clusters as cl
from .consensus import (
    CommonGround,
    ConsensusStatement,
    DivisiveStatement,
    common_ground,
    consensus_statements,
    group_aware_consensus,
    most_divisive,
)
from .errors import OpinionDataError
from .matrix import VoteMatrix, as_id_array
from .pca import (
    PCAFit,
    centred_values,
    column_means,
    extremity,
    fit_centred,
    project_participants,
    project_statements,
)
from .repness import Z90, RepresentativeStatement, group_stats, representative_statements
from .routing import META_PRIORITY, priority
from .state import OpinionState


@dataclass(frozen=True)
class OpinionConfig:
    """Constants of the maths; the defaults are Pol.is's (see docs/opinion.md)."""

    min_votes: int = 7  # in-conversation threshold (min with the number of statements)
    greedy_floor: int = 15  # top voters added until this many are in the conversation
    base_k: int = 100
    base_iters: int = 100
    base_tol: float = 0.01  # k-means converges when every centre moves less than this
    max_k: int = 5
    group_iters: int = 100
    group_restarts: int = 10  # seeded k-means++ starts per candidate k
    restart_margin: float = 0.05  # a fresh start must beat the warm one by this much inertia
    k_buffer: int = 4  # a new best k must win this many updates in a row
    z: float = Z90
    pick_max: int = 5
    consensus_min_p: float = 0.5
    divisive_top: int = 5
    meta_priority: float = META_PRIORITY
    # "zero" (Pol.is / red-dwarf behaviour, the default since it agrees best with Pol.is's own
    # groups, see docs/benchmarks-opinion.md): a moderated statement's column stays as all-pass,
    # which only changes the sparsity scaling and in-conversation counts. "drop": it leaves.
    moderation: Literal["drop", "zero"] = "zero"
    # "polis": unweighted silhouette of base centres (Pol.is); "weighted": participants placed
    # at their base centre.
    silhouette: Literal["weighted", "polis"] = "polis"
    # "kmeans++": best of group_restarts seeded starts. "first-distinct": one start from the first
    # k distinct base centres in coordinate order, as red-dwarf does (for parity checks).
    group_init: Literal["kmeans++", "first-distinct"] = "kmeans++"
    pca_tol: float = 1e-10

    @classmethod
    def polis_compatible(cls, **changes) -> OpinionConfig:
        """Pol.is's own conventions, now the defaults (kept for callers that name them)."""
        return cls(**{"moderation": "zero", "silhouette": "polis", **changes})

    @classmethod
    def drop_moderated(cls, **changes) -> OpinionConfig:
        """The earlier defaults: moderated statements leave the matrix, and k is chosen by
        the weighted silhouette. They agree less with Pol.is's own groups."""
        return cls(**{"moderation": "drop", "silhouette": "weighted", **changes})

    def __post_init__(self) -> None:
        positive = (
            "min_votes",
            "base_k",
            "base_iters",
            "group_iters",
            "group_restarts",
            "k_buffer",
        )
        for name in positive:
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_k < 2:
            raise ValueError("max_k must be at least 2")
        if self.greedy_floor < 0 or self.pick_max < 0 or self.divisive_top < 0:
            raise ValueError("greedy_floor, pick_max and divisive_top must not be negative")
        if self.moderation not in ("drop", "zero"):
            raise ValueError("moderation must be 'drop' or 'zero'")
        if self.silhouette not in ("weighted", "polis"):
            raise ValueError("silhouette must be 'weighted' or 'polis'")
        if self.group_init not in ("kmeans++", "first-distinct"):
            raise ValueError("group_init must be 'kmeans++' or 'first-distinct'")


@dataclass(frozen=True)
class Group:
    """An opinion group: its id, size, centre on the map and representative statements."""

    id: int
    size: int
    centre: tuple[float, float]
    representative: tuple[RepresentativeStatement, ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "size": self.size,
            "x": self.centre[0],
            "y": self.centre[1],
            "representative": [r.to_dict() for r in self.representative],
        }


@dataclass(frozen=True)
class Participation:
    voters: int  # participants with at least one vote in the maths
    votes: int
    votes_per_voter: float
    statements: int  # statements in the maths (with votes, not moderated out)
    in_conversation: int
    clustered: int
    share_clustered: float  # clustered / voters

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True, eq=False)
class OpinionResult:
    """The opinion map. Arrays are aligned with ``participant_ids`` / ``statement_ids``."""

    k: int  # number of groups, 0 when the conversation cannot be grouped yet
    reason: str | None  # why k is 0
    participant_ids: np.ndarray
    coords: np.ndarray  # (n, 2) projection
    group_of: np.ndarray  # group id per participant, -1 for none
    in_conversation: np.ndarray  # bool per participant
    groups: tuple[Group, ...]
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    common_ground: tuple[CommonGround, ...]  # agreed first, then disagreed
    divisive: tuple[DivisiveStatement, ...]
    statement_ids: np.ndarray  # every statement that is not rejected (meta included)
    statement_coords: np.ndarray  # (m, 2); 0 for statements outside the maths
    group_aware_consensus: np.ndarray
    group_aware_consensus_disagree: np.ndarray
    extremity: np.ndarray
    priority: np.ndarray
    n_agree: np.ndarray  # whole-conversation counts per statement
    n_disagree: np.ndarray
    n_votes: np.ndarray  # passes included
    is_meta: np.ndarray
    in_maths: np.ndarray  # statement took part in PCA / repness / consensus
    participation: Participation
    silhouettes: dict[int, float]
    pca: PCAFit  # over the statements in the maths
    state: OpinionState
    seed: int
    timings: dict[str, float] = field(default_factory=dict)

    def group_ids(self) -> list[int | None]:
        return [None if g < 0 else int(g) for g in self.group_of.tolist()]

    def to_dict(self) -> dict:
        """Plain JSON-able data: the shape printed by ``coproduce opinion``."""
        pids = self.participant_ids.tolist()
        xs, ys = self.coords[:, 0].tolist(), self.coords[:, 1].tolist()
        groups = self.group_ids()
        sids = self.statement_ids.tolist()
        sx, sy = self.statement_coords[:, 0].tolist(), self.statement_coords[:, 1].tolist()
        columns = (
            self.group_aware_consensus.tolist(),
            self.group_aware_consensus_disagree.tolist(),
            self.extremity.tolist(),
            self.priority.tolist(),
            self.n_agree.tolist(),
            self.n_disagree.tolist(),
            self.n_votes.tolist(),
            self.is_meta.tolist(),
            self.in_maths.tolist(),
        )
        statements = [
            {
                "id": sid,
                "x": x,
                "y": y,
                "group_aware_consensus": gac,
                "group_aware_consensus_disagree": gacd,
                "extremity": ext,
                "priority": pri,
                "agree": agree,
                "disagree": disagree,
                "pass": votes - agree - disagree,
                "meta": meta,
                "in_maths": maths,
            }
            for sid, x, y, gac, gacd, ext, pri, agree, disagree, votes, meta, maths in zip(
                sids, sx, sy, *columns, strict=True
            )
        ]
        return {
            "k": self.k,
            "reason": self.reason,
            "seed": self.seed,
            "participants": [
                {"id": pid, "x": x, "y": y, "group": g}
                for pid, x, y, g in zip(pids, xs, ys, groups, strict=True)
            ],
            "groups": [g.to_dict() for g in self.groups],
            "consensus": {
                "agree": [c.to_dict() for c in self.consensus_agree],
                "disagree": [c.to_dict() for c in self.consensus_disagree],
            },
            "common_ground": {
                direction: [c.to_dict() for c in self.common_ground if c.direction == direction]
                for direction in ("agree", "disagree")
            },
            "divisive": [d.to_dict() for d in self.divisive],
            "statements": statements,
            "participation": self.participation.to_dict(),
            "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


# -- stages ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Moderated:
    """The matrix split for the maths: ``shown`` keeps every non-rejected statement (for counts
    and routing), ``maths`` only statements that are neither moderated out nor without votes."""

    shown: VoteMatrix
    maths: VoteMatrix
    maths_columns: np.ndarray  # bool over shown statements
    is_meta: np.ndarray  # bool over shown statements
    zeroed_with_votes: int  # moderated-out statements that have votes (Pol.is zeroes them)
    raw_counts: np.ndarray  # votes per participant on every statement, moderated ones included


def moderate(
    votes: VoteMatrix,
    excluded_statements: Iterable = (),
    meta_statements: Iterable = (),
    excluded_participants: Iterable = (),
) -> Moderated:
    """Stage 1: rejected and meta statements and excluded participants leave the maths."""
    rejected = _mask(votes.statement_index(_ids(excluded_statements)), votes.n_statements)
    meta = _mask(votes.statement_index(_ids(meta_statements)), votes.n_statements) & ~rejected
    dropped_rows = _mask(votes.participant_index(_ids(excluded_participants)), votes.n_participants)
    everyone = votes.select(participants=~dropped_rows) if dropped_rows.any() else votes
    raw_counts = everyone.votes_per_participant()
    all_voted = everyone.votes_per_statement() > 0
    shown = everyone.select(statements=~rejected) if rejected.any() else everyone
    is_meta = meta[~rejected]
    maths_columns = all_voted[~rejected] & ~is_meta
    zeroed = int(np.count_nonzero(all_voted & (rejected | meta)))
    maths = shown if maths_columns.all() else shown.select(statements=maths_columns)
    return Moderated(shown, maths, maths_columns, is_meta, zeroed, raw_counts)


def _ids(ids: Iterable) -> np.ndarray:
    arr = ids if isinstance(ids, np.ndarray) else np.asarray(list(ids))
    return as_id_array(arr) if arr.size else arr


def _mask(index: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[index[index >= 0]] = True
    return mask


def in_conversation(
    vote_counts: np.ndarray,
    n_statements: int,
    *,
    min_votes: int = 7,
    greedy_floor: int = 15,
    already_in: np.ndarray | None = None,
) -> np.ndarray:
    """Stage 2: Pol.is's in-conversation rule.

    In when the participant has voted (passes count) on at least min(min_votes, n_statements)
    statements, or was in before. With fewer than ``greedy_floor`` in, the top voters join.
    """
    inside = vote_counts >= min(min_votes, max(n_statements, 1))
    if already_in is not None:
        inside |= already_in
    inside &= vote_counts > 0
    missing = greedy_floor - int(inside.sum())
    if missing > 0:
        candidates = np.flatnonzero(~inside & (vote_counts > 0))
        # Most votes first; ties by participant order (stable sort).
        top = candidates[np.argsort(-vote_counts[candidates], kind="stable")][:missing]
        inside[top] = True
    return inside


def _previous_components(
    previous: OpinionState | None, statement_ids: np.ndarray
) -> np.ndarray | None:
    if previous is None or previous.components.size == 0 or statement_ids.size == 0:
        return None
    same_kind = (previous.statement_ids.dtype.kind == "O") == (statement_ids.dtype.kind == "O")
    if not same_kind:
        return None
    pos = np.searchsorted(previous.statement_ids, statement_ids)
    pos = np.minimum(pos, previous.statement_ids.size - 1)
    found = previous.statement_ids[pos] == statement_ids
    if not found.any():
        return None
    start = np.zeros((previous.components.shape[0], statement_ids.size))
    start[:, found] = previous.components[:, pos[found]]
    return start


def _previous_in_conversation(
    previous: OpinionState | None, matrix: VoteMatrix
) -> np.ndarray | None:
    if previous is None or previous.in_conversation.size == 0:
        return None
    rows = matrix.participant_index(previous.in_conversation)
    return _mask(rows, matrix.n_participants)


@contextmanager
def _timed(timings: dict[str, float], name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True, eq=False)
class Projection:
    """Stage 3: principal components and where participants and statements land."""

    fit: PCAFit
    coords: np.ndarray  # participants of the maths matrix
    statement_coords: np.ndarray  # statements of the maths matrix


def project(
    mod: Moderated, cfg: OpinionConfig, previous: OpinionState | None, seed: int
) -> Projection:
    maths = mod.maths
    zeroed = mod.zeroed_with_votes if cfg.moderation == "zero" else 0
    center = column_means(maths)
    centred = maths.csr(centred_values(maths, center))
    start = _previous_components(previous, maths.statement_ids)
    fit = fit_centred(centred, center, start=start, seed=seed, tol=cfg.pca_tol)
    n_cmts = maths.n_statements + zeroed
    coords = project_participants(
        maths, fit, n_statements=n_cmts, extra_votes=zeroed, centred=centred
    )
    return Projection(fit, coords, project_statements(fit, n_statements=n_cmts))


@dataclass(frozen=True, eq=False)
class Grouping:
    """Stages 4-5: base clusters, the chosen groups and every participant's group."""

    k: int
    group_of: np.ndarray  # -1 = no group
    centres: np.ndarray  # (k, 2) in group-id order
    base: cl.KMeansFit
    choice: cl.GroupChoice
    reason: str | None


def group(
    coords: np.ndarray,
    inside: np.ndarray,
    reason: str | None,
    cfg: OpinionConfig,
    previous: OpinionState | None,
    seed: int,
    force_k: int | None,
    timings: dict[str, float],
) -> Grouping:
    points = coords[inside] if reason is None else coords[:0]
    with _timed(timings, "base_clusters"):
        base = cl.base_clusters(
            points,
            k=cfg.base_k,
            previous=None if previous is None else previous.base_centres,
            seed=seed,
            max_iter=cfg.base_iters,
            tol=cfg.base_tol,
        )
    if reason is None and base.k < 2:
        reason = "all participants are at the same place on the map: nothing separates them yet"
    group_of = np.full(coords.shape[0], -1, dtype=np.int32)
    smoother = previous.smoother if previous else cl.KSmoother()
    if reason is not None:
        return Grouping(
            0, group_of, np.zeros((0, 2)), base, cl.GroupChoice(0, smoother=smoother), reason
        )
    with _timed(timings, "groups"):
        choice = cl.choose_groups(
            base,
            max_k=cfg.max_k,
            previous=None if previous is None else previous.group_centres,
            smoother=smoother,
            force_k=force_k,
            seed=seed,
            n_init=cfg.group_restarts,
            max_iter=cfg.group_iters,
            margin=cfg.restart_margin,
            k_buffer=cfg.k_buffer,
            weighted_silhouette=cfg.silhouette == "weighted",
            init=cfg.group_init,
        )
        if choice.k == 0:
            reason = f"fewer base clusters ({base.k}) than groups asked for"
            return Grouping(0, group_of, np.zeros((0, 2)), base, choice, reason)
        fit = choice.fits[choice.k]
        # Ids follow the previous update's groups when k is unchanged, else group size.
        same_k = previous is not None and previous.k == choice.k
        ids = cl.stable_group_ids(fit, previous.group_centres.get(choice.k) if same_k else None)
        group_of[np.flatnonzero(inside)] = ids[fit.labels[base.labels]]
        centres = np.empty_like(fit.centres)
        centres[ids] = fit.centres
    return Grouping(choice.k, group_of, centres, base, choice, None)


@dataclass(frozen=True, eq=False)
class Tallies:
    """Stage 6: (agree, disagree, votes) per group (k x m), clustered (1 x m) and everyone (m)."""

    by_group: tuple[np.ndarray, np.ndarray, np.ndarray]
    clustered: tuple[np.ndarray, np.ndarray, np.ndarray]
    everyone: tuple[np.ndarray, np.ndarray, np.ndarray]


def tally(shown: VoteMatrix, grouping: Grouping, inside: np.ndarray) -> Tallies:
    by_group = shown.tally(grouping.group_of, grouping.k)
    if grouping.k:  # every in-conversation participant is in a group
        clustered = tuple(x.sum(axis=0, keepdims=True) for x in by_group)
    else:
        clustered = shown.tally(np.where(inside, 0, -1), 1)
    return Tallies(by_group, clustered, shown.column_tally())


def _consensus(tallies: Tallies, cols: np.ndarray, statement_ids, cfg: OpinionConfig):
    """Stage 8: consensus, group-aware consensus (agree, disagree), common ground and most
    divisive."""
    agree, disagree, votes = (x[cols] for x in tallies.everyone)
    cons = consensus_statements(
        agree,
        disagree,
        votes,
        statement_ids,
        z=cfg.z,
        pick_max=cfg.pick_max,
        min_p=cfg.consensus_min_p,
    )
    # Without groups, group-aware consensus falls back to one group: everyone clustered.
    by_group = tallies.by_group if tallies.by_group[0].shape[0] else tallies.clustered
    gac = group_aware_consensus(by_group[0], by_group[2])
    gac_disagree = group_aware_consensus(by_group[1], by_group[2])
    ga, gd, gv = (x[:, cols] for x in by_group)
    shared = tuple(
        c
        for direction, success in (("agree", ga), ("disagree", gd))
        for c in common_ground(success, gv, statement_ids, direction, pick_max=cfg.pick_max)
    )
    divisive = most_divisive(
        *(x[:, cols] for x in tallies.by_group),
        statement_ids,
        list(range(tallies.by_group[0].shape[0])),
        top=cfg.divisive_top,
    )
    return cons, gac, gac_disagree, shared, divisive


def _participation(maths: VoteMatrix, inside: np.ndarray, group_of: np.ndarray) -> Participation:
    voters = int(np.count_nonzero(maths.votes_per_participant()))
    clustered = int(np.count_nonzero(group_of >= 0))
    return Participation(
        voters=voters,
        votes=maths.n_votes,
        votes_per_voter=maths.n_votes / voters if voters else 0.0,
        statements=maths.n_statements,
        in_conversation=int(inside.sum()),
        clustered=clustered,
        share_clustered=clustered / voters if voters else 0.0,
    )


# -- entry point -------------------------------------------------------------------------------


def compute(
    votes: VoteMatrix,
    *,
    excluded_statements: Iterable = (),
    meta_statements: Iterable = (),
    excluded_participants: Iterable = (),
    previous: OpinionState | None = None,
    seed: int = 0,
    force_k: int | None = None,
    config: OpinionConfig | None = None,
) -> OpinionResult:
    """Compute the opinion map of a conversation.

    Args:
        votes: the latest vote of every participant on every statement (agree = +1).
        excluded_statements: rejected statements; they leave the maths and the output.
        meta_statements: meta statements; they leave the maths but are routed at priority 49.
        excluded_participants: e.g. banned participants; their votes are ignored entirely.
        previous: the ``state`` of the previous result, for a warm start (smooth live maps).
        seed: seeds every random choice (k-means++ starts, Lanczos start vector).
        force_k: use exactly this many groups instead of choosing k by silhouette.
        config: constants of the maths; Pol.is's by default.

    Returns:
        An :class:`OpinionResult`; ``result.k == 0`` with ``result.reason`` when the
        conversation cannot be grouped yet (no votes, one participant, one statement, ...).
    """
    cfg = config or OpinionConfig()
    if force_k is not None and force_k < 2:
        raise ValueError("force_k must be at least 2")
    timings: dict[str, float] = {}

    with _timed(timings, "moderation"):
        mod = moderate(votes, excluded_statements, meta_statements, excluded_participants)
    maths, shown, cols = mod.maths, mod.shown, mod.maths_columns
    zero_mode = cfg.moderation == "zero"
    with _timed(timings, "in_conversation"):
        inside = in_conversation(
            mod.raw_counts if zero_mode else maths.votes_per_participant(),
            maths.n_statements + (mod.zeroed_with_votes if zero_mode else 0),
            min_votes=cfg.min_votes,
            greedy_floor=cfg.greedy_floor,
            already_in=_previous_in_conversation(previous, maths),
        )
    with _timed(timings, "pca"):
        proj = project(mod, cfg, previous, seed)
    reason = _cannot_group(maths, proj.fit, votes.n_votes)
    grouping = group(proj.coords, inside, reason, cfg, previous, seed, force_k, timings)
    k = grouping.k
    with _timed(timings, "tallies"):
        tallies = tally(shown, grouping, inside)
    with _timed(timings, "repness"):
        groups = _groups(grouping, tallies, cols, maths.statement_ids, cfg)
    with _timed(timings, "consensus"):
        (cons_agree, cons_disagree), gac, gac_dis, shared, divisive = _consensus(
            tallies, cols, maths.statement_ids, cfg
        )
    with _timed(timings, "routing"):
        statement_coords = np.zeros((shown.n_statements, 2))
        statement_coords[cols] = proj.statement_coords
        ext = extremity(statement_coords)
        agree_i, disagree_i, votes_i = (x[0] for x in tallies.clustered)
        prio = priority(
            agree_i, disagree_i, votes_i, ext, mod.is_meta, meta_priority=cfg.meta_priority
        )
    state = OpinionState(
        statement_ids=maths.statement_ids,
        components=proj.fit.components,
        in_conversation=maths.participant_ids[inside],
        base_centres=grouping.base.centres,
        group_centres=_centres_by_k(grouping.choice, k, grouping.centres),
        smoother=grouping.choice.smoother,
        k=k,
    )
    agree_all, disagree_all, votes_all = tallies.everyone
    return OpinionResult(
        k=k,
        reason=grouping.reason,
        participant_ids=maths.participant_ids,
        coords=proj.coords,
        group_of=grouping.group_of,
        in_conversation=inside,
        groups=groups,
        consensus_agree=tuple(cons_agree),
        consensus_disagree=tuple(cons_disagree),
        common_ground=shared,
        divisive=tuple(divisive),
        statement_ids=shown.statement_ids,
        statement_coords=statement_coords,
        group_aware_consensus=gac,
        group_aware_consensus_disagree=gac_dis,
        extremity=ext,
        priority=prio,
        n_agree=agree_all,
        n_disagree=disagree_all,
        n_votes=votes_all,
        is_meta=mod.is_meta,
        in_maths=cols,
        participation=_participation(maths, inside, grouping.group_of),
        silhouettes=dict(grouping.choice.silhouettes),
        pca=proj.fit,
        state=state,
        seed=seed,
        timings=timings,
    )


def _cannot_group(maths: VoteMatrix, fit: PCAFit, all_votes: int) -> str | None:
    voters = int(np.count_nonzero(maths.votes_per_participant()))
    if all_votes == 0:
        return "no votes yet"
    if maths.n_votes == 0:
        return "no votes left once rejected, meta and excluded participants' votes are set aside"
    if voters < 2:
        return "only one participant has voted: groups need at least two"
    if maths.n_statements < 2:
        return "only one statement has votes: a map needs at least two"
    if not np.any(fit.eigenvalues > 0):
        return "every participant voted the same way so far: nothing separates them yet"
    return None


def _groups(grouping: Grouping, tallies: Tallies, cols, statement_ids, cfg) -> tuple[Group, ...]:
    """Stage 7: size, centre and representative statements of every group."""
    k = grouping.k
    if k == 0:
        return ()
    agree, disagree, votes = (x[:, cols] for x in tallies.by_group)
    stats = group_stats(agree, disagree, votes)
    sizes = np.bincount(grouping.group_of[grouping.group_of >= 0], minlength=k)
    return tuple(
        Group(
            id=g,
            size=int(sizes[g]),
            centre=(float(grouping.centres[g, 0]), float(grouping.centres[g, 1])),
            representative=tuple(
                representative_statements(stats, g, statement_ids, z=cfg.z, pick_max=cfg.pick_max)
            ),
        )
        for g in range(k)
    )


def _centres_by_k(
    choice: cl.GroupChoice, k: int, chosen_centres: np.ndarray
) -> dict[int, np.ndarray]:
    centres = {kk: fit.centres for kk, fit in choice.fits.items()}
    if k:
        centres[k] = chosen_centres  # in output-id order, so ids persist
    return centres


__all__ = [
    "Group",
    "Grouping",
    "Moderated",
    "OpinionConfig",
    "OpinionDataError",
    "OpinionResult",
    "OpinionState",
    "Participation",
    "Projection",
    "Tallies",
    "compute",
    "group",
    "in_conversation",
    "moderate",
    "project",
    "tally",
]
