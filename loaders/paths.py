"""Where shipped reference data and the analyst's own data live."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT / "seeds"


def user_home() -> Path:
    """FAULTLINE_HOME, default data/user/: inbox, uploads, cache, corrections, pins."""
    return Path(os.environ.get("FAULTLINE_HOME") or DATA_DIR / "user")


def writable_home() -> Path | None:
    """FAULTLINE_HOME if it exists (or can be made) and accepts writes; None on a read-only deployment."""
    if os.environ.get("FAULTLINE_READ_ONLY", "") == "1":
        return None  # a public deployment that must not write, whatever the disk allows
    home = user_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".probe-"):
            pass
    except OSError:
        return None
    return home
