"""python -m loaders [--format ...] [--published YYYY-MM-DD] [--out FILE.csv] [--excel-safe] PATH..."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from loaders import FORMATS, load_report
from loaders.export import to_csv


def main(argv: list[str] | None = None) -> int:
    """Write the events table of the given inputs as CSV; problems go to stderr, one per line."""
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to load")
    parser.add_argument("--format", default="auto", choices=["auto", *FORMATS],
                        help="input format (default: recognised from the content)")
    parser.add_argument("--published", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="publication date for articles whose header lacks a readable one")
    parser.add_argument("--out", metavar="FILE.csv", help="write here instead of stdout")
    parser.add_argument("--excel-safe", action="store_true",
                        help="prefix text cells a spreadsheet would run as a formula with '")
    parser.add_argument("--online", action="store_true", help="allow online geocoding (Nominatim)")
    parser.add_argument("--no-curation", action="store_true",
                        help="leave out the analyst's corrections (FAULTLINE_HOME/curation.csv)")
    args = parser.parse_args(argv)

    events, problems = load_report(args.paths, format=args.format, published=args.published, online=args.online,
                                   curation=not args.no_curation)
    for p in problems:
        print(str(p), file=sys.stderr)
    text = to_csv(events, excel_safe=args.excel_safe)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    if events.empty:
        print("no events loaded", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
