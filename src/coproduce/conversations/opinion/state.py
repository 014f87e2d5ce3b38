"""What one update hands to the next: the warm-start state of the opinion map.

A live map should move smoothly as votes arrive. The next computation therefore starts from
this update's principal components (orientation kept), base-cluster centres, group centres for
every candidate k (group ids kept), the k smoother, and the set of participants already in the
conversation (once in, always in). The state is small (no votes) and serialises to bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

from .clusters import KSmoother
from .errors import OpinionDataError

_FORMAT = 1


@dataclass(frozen=True, eq=False)
class OpinionState:
    """Warm-start state; pass it as ``previous=`` to the next :func:`compute`."""

    statement_ids: np.ndarray
    components: np.ndarray  # (2, len(statement_ids))
    in_conversation: np.ndarray  # participant ids
    base_centres: np.ndarray  # (k_base, 2)
    group_centres: dict[int, np.ndarray] = field(default_factory=dict)  # k -> (k, 2), in id order
    smoother: KSmoother = KSmoother()
    k: int = 0

    def to_bytes(self) -> bytes:
        """Compressed ``.npz`` bytes (no pickle), e.g. for a database binary field."""
        arrays = {
            "format": np.int64(_FORMAT),
            "statement_ids": _storable(self.statement_ids),
            "components": self.components,
            "in_conversation": _storable(self.in_conversation),
            "base_centres": self.base_centres,
            "smoother": np.array(
                [
                    -1 if self.smoother.last_k is None else self.smoother.last_k,
                    self.smoother.last_k_count,
                    -1 if self.smoother.smoothed_k is None else self.smoother.smoothed_k,
                    self.k,
                ],
                dtype=np.int64,
            ),
        }
        for k, centres in self.group_centres.items():
            arrays[f"groups_{int(k)}"] = np.asarray(centres, dtype=float)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> OpinionState:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                if int(npz["format"]) != _FORMAT:
                    raise OpinionDataError(f"unknown opinion state format {int(npz['format'])}")
                last_k, count, smoothed, k = (int(x) for x in npz["smoother"])
                groups = {
                    int(name.split("_", 1)[1]): npz[name]
                    for name in npz.files
                    if name.startswith("groups_")
                }
                return cls(
                    statement_ids=_loaded(npz["statement_ids"]),
                    components=npz["components"],
                    in_conversation=_loaded(npz["in_conversation"]),
                    base_centres=npz["base_centres"],
                    group_centres=groups,
                    smoother=KSmoother(
                        None if last_k < 0 else last_k, count, None if smoothed < 0 else smoothed
                    ),
                    k=k,
                )
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, OpinionDataError):
                raise
            raise OpinionDataError(f"not an opinion state: {exc}") from exc


def _storable(ids: np.ndarray) -> np.ndarray:
    # Text ids become a fixed-width unicode array so that no pickle is needed.
    return ids.astype(str) if ids.dtype.kind == "O" else ids


def _loaded(ids: np.ndarray) -> np.ndarray:
    return ids.astype(object) if ids.dtype.kind in "US" else ids
