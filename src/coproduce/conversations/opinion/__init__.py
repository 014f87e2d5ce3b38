"""Opinion maps: the Pol.is maths in pure Python / NumPy / SciPy (no Django).

Entry point: :func:`compute` (votes in, :class:`OpinionResult` out). Readers and writers of the
Pol.is open-data format live in :mod:`.polis_io`; the command line in :mod:`.cli`.
See docs/opinion.md.
"""

from .clusters import KSmoother
from .consensus import ConsensusStatement, DivisiveStatement
from .errors import OpinionDataError
from .matrix import AGREE, DISAGREE, PASS, VoteMatrix
from .pipeline import Group, OpinionConfig, OpinionResult, Participation, compute
from .repness import RepresentativeStatement
from .sectors import SectorLens, SectorSpread, sector_lens
from .state import OpinionState

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "ConsensusStatement",
    "DivisiveStatement",
    "Group",
    "KSmoother",
    "OpinionConfig",
    "OpinionDataError",
    "OpinionResult",
    "OpinionState",
    "Participation",
    "RepresentativeStatement",
    "SectorLens",
    "SectorSpread",
    "VoteMatrix",
    "compute",
    "sector_lens",
]
