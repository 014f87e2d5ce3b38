"""Sets of entry ids as bitmaps cut into chunks: the form in which the entries of the library's
most common words are kept (common.py). Pure NumPy, no database.

Entry `n` is bit `n % CHUNK` of chunk `n // CHUNK`; a chunk is CHUNK / 8 bytes (8 KB), the
first entry of the chunk in the first byte's highest bit (NumPy's `packbits` order). A word in
half of 100,000 entries is two chunks (16 KB) instead of 50,000 ids.
"""

from collections.abc import Iterable

import numpy as np

CHUNK = 65_536  # entries per chunk
CHUNK_BYTES = CHUNK // 8


def chunks_of(ids: np.ndarray) -> dict[int, bytes]:
    """The chunks holding these ids (each chunk with at least one), by chunk number."""
    ids = np.asarray(ids, dtype=np.int64)
    ids = ids[ids >= 0]
    found = {}
    for chunk in np.unique(ids // CHUNK).tolist():
        inside = np.zeros(CHUNK, dtype=bool)
        inside[ids[ids // CHUNK == chunk] % CHUNK] = True
        found[int(chunk)] = np.packbits(inside).tobytes()
    return found


def id_list(joined: str | None) -> np.ndarray:
    """The ids of a comma-separated list, as the databases give them ("3,17,42"); None or
    "" is none. Parsed in C: a common word's list is tens of thousands of ids."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


Bitmap = dict[int, np.ndarray]  # chunk number -> its CHUNK_BYTES bytes (uint8)


def any_of(chunks: Iterable[tuple[int, bytes]]) -> Bitmap:
    """The union of these chunks: a chunk number given twice is both chunks' bits."""
    merged: Bitmap = {}
    for chunk, packed in chunks:
        bits = np.frombuffer(packed, dtype=np.uint8)
        merged[chunk] = merged[chunk] | bits if chunk in merged else bits
    return merged


def all_of(bitmaps: list[Bitmap]) -> Bitmap:
    """The ids in every one of these bitmaps (a chunk missing from one is empty there)."""
    if not bitmaps:
        return {}
    found = dict(bitmaps[0])
    for other in bitmaps[1:]:
        found = {chunk: bits & other[chunk] for chunk, bits in found.items() if chunk in other}
    return found


def ids_of(bitmap: Bitmap) -> np.ndarray:
    """The ids in the bitmap, ascending."""
    parts = [
        np.flatnonzero(np.unpackbits(bits)) + chunk * CHUNK
        for chunk, bits in sorted(bitmap.items())
    ]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def rewritten(packed: bytes | None, chunk: int, touched: np.ndarray, having: np.ndarray) -> bytes:
    """The chunk after re-indexing some entries: the `touched` ids (all re-indexed entries of
    this chunk) cleared, then those `having` the word (a subset) set. None is an empty chunk."""
    bits = (
        np.unpackbits(np.frombuffer(packed, dtype=np.uint8)).astype(bool)
        if packed
        else np.zeros(CHUNK, dtype=bool)
    )
    bits[touched - chunk * CHUNK] = False
    bits[having - chunk * CHUNK] = True
    return np.packbits(bits).tobytes()
