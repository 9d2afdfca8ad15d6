"""Fit data/confidence_calibration.csv: news readings' raw scores -> the share of right events.

    python -m scripts.calibrate_confidence                  # fit on the dev articles, write the table, print reliability
    python -m scripts.calibrate_confidence --parts blind4   # fit on the blind batch 4 articles only
    python -m scripts.calibrate_confidence --check          # print reliability of the shipped table, write nothing
    python -m scripts.calibrate_confidence --check --parts dev,blind4   # ... on any parts (comma-separated)

Fit on articles the rules were not tuned on. On the articles they were tuned on nearly every
reading is right, so a table fitted there says "0.95" for everything and is overconfident on new
text; a batch written without sight of the rules (blind4, fitted before any rule change for it)
gives the share of right readings an analyst will meet on new reporting. The shipped table is
that fit: keep it when the rules are later tuned on those articles.

A row is *right* when it matches an expected event of its article (the scorer's rule in
tests/articles_eval.py: date ±1 day, coarse kind, place or country). The mapping is isotonic (pool
adjacent violators: a higher raw score never gets a lower confidence; bands under MIN_ROWS rows
join a neighbour), each band's share smoothed as (right + 1) / (rows + 2) so a small band never
claims certainty, and capped at CAP. Leave-one-article-out figures show how the mapping does on an
article it was not fitted on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders import news  # noqa: E402
from loaders.paths import DATA_DIR  # noqa: E402
from tests.articles_eval import PARTS, article_paths, score_article  # noqa: E402

TABLE = DATA_DIR / "confidence_calibration.csv"
BINS = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
CAP = 0.95
MIN_ROWS = 5  # a band with fewer rows joins its smaller neighbour


def parts_folders(parts: str) -> list[Path]:
    """The article folders of comma-separated part names ("dev", "blind4,heldout"); a clear error otherwise."""
    names = [p.strip() for p in parts.split(",") if p.strip()]
    unknown = [p for p in names if p not in PARTS]
    if not names or unknown:
        raise SystemExit(f"--parts: unknown part(s) {', '.join(unknown) or repr(parts)}; known: {', '.join(sorted(PARTS))}")
    folders: list[Path] = []
    for name in names:
        folders += [f for f in PARTS[name] if f not in folders]
    return folders


def scored_rows(folders: list[Path], raw: bool = True) -> pd.DataFrame:
    """Every produced row of the articles in `folders`: its article, (raw) confidence and whether it is right."""
    news._CALIBRATE[0] = not raw
    try:
        out = []
        for folder in folders:
            for path in article_paths(folder):
                for r in score_article(path)["rows"]:
                    out.append({"article": path.stem, "score": r["confidence"], "right": int(r["right"])})
        return pd.DataFrame(out)
    finally:
        news._CALIBRATE[0] = True


def fit(rows: pd.DataFrame) -> pd.DataFrame:
    """Isotonic bands over the raw score, each with its smoothed share of right rows."""
    by_score = rows.groupby("score")["right"].agg(["sum", "count"]).sort_index()
    blocks = [[s, s, int(r["sum"]), int(r["count"])] for s, r in by_score.iterrows()]
    merged: list[list] = []
    for b in blocks:  # pool adjacent violators
        merged.append(b)
        while len(merged) > 1 and merged[-2][2] / merged[-2][3] >= merged[-1][2] / merged[-1][3]:
            hi = merged.pop()
            merged[-1] = [merged[-1][0], hi[1], merged[-1][2] + hi[2], merged[-1][3] + hi[3]]
    while len(merged) > 1 and min(b[3] for b in merged) < MIN_ROWS:  # too few rows to say anything: pool
        i = min(range(len(merged)), key=lambda k: merged[k][3])
        j = i + 1 if i == 0 or (i + 1 < len(merged) and merged[i + 1][3] < merged[i - 1][3]) else i - 1
        a, b = sorted((i, j))
        merged[a:b + 1] = [[merged[a][0], merged[b][1], merged[a][2] + merged[b][2], merged[a][3] + merged[b][3]]]
    table = pd.DataFrame(merged, columns=["raw_from", "raw_to", "right", "rows"])
    # Machine-read text never reaches a curated dataset's 1.0: the dev articles are few.
    # Smoothing can undo the isotonic order of a small top band; keep the table non-decreasing.
    table["confidence"] = ((table["right"] + 1) / (table["rows"] + 2)).cummax().clip(upper=CAP).round(2)
    # A score between two bands belongs to the nearer one; below the lowest seen, to the first.
    table["raw_from"] = [0.0] + [round((a + b) / 2, 3) for a, b in zip(table["raw_to"][:-1], table["raw_from"][1:])]
    return table[["raw_from", "raw_to", "rows", "right", "confidence"]]


def apply(table: pd.DataFrame, scores: pd.Series) -> pd.Series:
    idx = table["raw_from"].searchsorted(scores.to_numpy() + 1e-9, side="right") - 1
    return pd.Series(table["confidence"].to_numpy()[idx.clip(0)], index=scores.index)


def reliability(conf: pd.Series, right: pd.Series) -> pd.DataFrame:
    """Rows by confidence bin: how many, the mean confidence, and the share that are right."""
    bins = pd.cut(conf, BINS, include_lowest=True, right=False)
    df = pd.DataFrame({"bin": bins, "confidence": conf, "right": right})
    out = df.groupby("bin", observed=True).agg(rows=("right", "size"), mean_confidence=("confidence", "mean"),
                                                observed=("right", "mean"))
    return out.round(3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report on the shipped table; write nothing")
    parser.add_argument("--parts", default="dev",
                        help=f"comma-separated article parts to fit or check on (default dev; known: {', '.join(sorted(PARTS))})")
    args = parser.parse_args()
    rows = scored_rows(parts_folders(args.parts))
    if rows.empty:
        raise SystemExit(f"--parts {args.parts}: no scored rows (no articles with expected events there)")
    print(f"{len(rows)} rows from {rows['article'].nunique()} articles of {args.parts}; "
          f"{rows['right'].mean():.3f} right overall")
    if args.check:
        table = pd.read_csv(TABLE)
    else:
        table = fit(rows)
        table.to_csv(TABLE, index=False)
        news.calibration_table.cache_clear()
        print(f"wrote {TABLE}")
    print("\ncalibration bands (raw score -> confidence):")
    print(table.to_string(index=False))
    print(f"\nreliability on the {args.parts} rows" + (" (fitted on them):" if not args.check else ":"))
    print(reliability(apply(table, rows["score"]), rows["right"]).to_string())
    held = []
    for article in rows["article"].unique():
        part = fit(rows[rows["article"] != article])
        mine = rows[rows["article"] == article]
        held.append(pd.DataFrame({"conf": apply(part, mine["score"]), "right": mine["right"]}))
    held_df = pd.concat(held)
    print("\nreliability leaving each article out of the fit:")
    print(reliability(held_df["conf"], held_df["right"]).to_string())


if __name__ == "__main__":
    main()
