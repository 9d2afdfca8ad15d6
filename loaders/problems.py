"""What went wrong with an input, said so a person can find it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A rejected file or row: the file, its physical line (header = 1, 0 = whole file) and why.

    kind: "rejected" (a row left out), "file" (the whole file unreadable), "duplicate" (a row
    replaced by another copy or a newer revision) or "note" (read anyway, but worth knowing; a note
    may stand for `rows` data rows that were read but deliberately not loaded, each named in it).
    """

    file: str
    line: int
    message: str
    kind: str = "rejected"
    rows: int = 0  # for a summary without a line (kind "note"): how many data rows it stands for

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
