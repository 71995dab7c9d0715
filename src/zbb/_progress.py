"""The optional progress bar of long runs (tqdm, ``pip install tqdm`` or ``pip install .[progress]``)."""

from __future__ import annotations

import sys
from typing import Any


def progress_bar(progress: bool | None, count: int) -> Any:
    """The ``tqdm`` class when a bar is to be shown, else None.

    ``progress=True`` asks for the bar (and needs tqdm); ``False`` never shows it; ``None`` shows
    it for 100 items or more when standard error is a terminal and tqdm is installed.
    """
    if progress is False or (progress is None and not (count >= 100 and sys.stderr.isatty())):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise
        return None
    return tqdm
