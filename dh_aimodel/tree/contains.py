"""Whether one file's bytes occur, unchanged, inside another (an embedded model).

stockfish carries its NNUE nets byte for byte inside the executable; a
declaration says so with ``delivery: embedded``, and dh_aimodel checks it
here.  The host is mapped, not read, so a search in a large executable costs
no memory beyond the page cache; the model is read once per host.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path


def contains(host: Path, needle: Path) -> bool | OSError:
    """True when ``needle``'s whole content occurs in ``host``; the error otherwise.

    An empty needle is not a model and is never found.
    """
    try:
        data = needle.read_bytes()
        if not data:
            return False
        with open(host, "rb") as fh:
            if os.fstat(fh.fileno()).st_size < len(data):
                return False
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                return view.find(data) >= 0
    except OSError as exc:
        return exc
    except ValueError:  # mmap of an empty host
        return False
