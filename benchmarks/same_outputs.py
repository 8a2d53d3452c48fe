"""The library's outputs on the examples, saved and compared: a change of structure must
not change one number or word that users see.

    python benchmarks/same_outputs.py --save benchmarks/outputs-before   # before a change
    python benchmarks/same_outputs.py --compare benchmarks/outputs-before  # after it

What is written, on the examples of ``examples/`` with the default model:

- through the Python API (positional arguments, so that renamed keywords do not matter):
  ``model.predict``, ``model.explain`` (top 3, English and Japanese), ``model.coach``
  (English and Japanese), ``model.what_if`` (the welcome signal given, amicability 4),
  ``rm.simulate_policies`` and ``rm.audit`` (table, unknowns, drivers);
- through the command line, as users run it: ``score`` (reasons and coaching, English;
  Japanese workbook of the Japanese HR export), ``audit`` (CSV parts), ``simulate`` and
  ``report`` (English and Japanese).

Tables are compared exactly (every value, every column's type); files byte for byte, except
workbooks, compared cell by cell (value and number format) since they carry the time
they were written, and the report, whose charts carry the time they were drawn and
random element ids: the charts are compared as drawings without those two.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import rehire_model as rm

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLI = [sys.executable, "-m", "rehire_model.cli"]


def api_tables() -> dict[str, pd.DataFrame]:
    """The outputs of the Python API on the examples, by name."""
    model = rm.load_model()
    sample = pd.read_csv(EXAMPLES / "leavers_sample.csv", dtype={"leaver_id": str})
    audited = pd.read_csv(EXAMPLES / "leavers_audit.csv", dtype={"leaver_id": str})
    audit = rm.audit(model, audited, ("gender", "age_band", "race_ethnicity"))
    tables = {
        "predict": model.predict(sample),
        "explain_en": model.explain(sample, top_k=3, lang="en"),
        "explain_ja": model.explain(sample, top_k=3, lang="ja"),
        "coach_en": model.coach(sample.head(40), top_k=None),
        "coach_ja": model.coach(sample.head(40), lang="ja", top_k=None),
        "what_if": model.what_if(sample, {"sup_welcomed_return": True}, amicability=4),
        "simulate": rm.simulate_policies(model, sample),
        "audit": audit.table,
        "audit_unknown": audit.unknown,
        "audit_drivers": audit.drivers,
    }
    return {name: table.reset_index(drop=True) for name, table in tables.items()}


def cli_files(folder: Path) -> list[Path]:
    """The files the command line writes on the examples, into ``folder``."""
    sample, ja = EXAMPLES / "leavers_sample.csv", EXAMPLES / "hr_export_ja.xlsx"
    runs = [
        ["score", sample, "-o", folder / "score.csv", "--explain", "3", "--coach", "2"],
        ["score", ja, "--columns", EXAMPLES / "hr_export_ja.columns.toml", "--lang", "ja",
         "--explain", "2", "-o", folder / "score_ja.xlsx"],
        ["audit", EXAMPLES / "leavers_audit.csv", "--by", "gender,age_band,race_ethnicity",
         "-o", folder / "audit.csv"],
        ["simulate", sample, "-o", folder / "simulate.csv"],
        ["report", "--data", sample, "-o", folder / "report_en.html"],
        ["report", "--data", EXAMPLES / "leavers_audit.csv", "--lang", "ja", "--audit-by",
         "gender,race_ethnicity", "-o", folder / "report_ja.html"],
    ]
    for run in runs:
        done = subprocess.run([*CLI, *map(str, run)], capture_output=True, text=True)
        if done.returncode > 1:  # 1: some rows rejected, as the HR export has
            raise RuntimeError(f"{' '.join(map(str, run))}: {done.stderr}")
    return sorted(p for p in folder.iterdir() if p.is_file())


def _canonical(table: pd.DataFrame) -> bytes:
    """A table as compared: its columns' types, then every value (floats written so that
    they read back to the same number)."""
    types = ",".join(f"{name}:{dtype}" for name, dtype in table.dtypes.items())
    return (types + "\n" + table.to_csv(index=False)).encode("utf-8")


_CHART = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def _drawing(svg: str) -> str:
    """A chart without the time it was drawn and its random element ids."""
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    ids = {name: f"id{i}" for i, name in enumerate(dict.fromkeys(
        re.findall(r'id="([^"]+)"', svg)))}
    return re.sub(r'(?<=["#(])(' + "|".join(map(re.escape, ids)) + r')(?=[")])',
                  lambda m: ids[m.group(1)], svg) if ids else svg


def comparable(path: Path) -> bytes:
    """A file's content as compared: workbooks as their cells (values and formats, not
    the time they were written), reports with their charts as drawings."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        return repr([(sheet.title, [[(c.value, c.number_format) for c in row]
                                    for row in sheet.iter_rows()]) for sheet in book]).encode()
    if path.suffix != ".html":
        return data
    page = data.decode("utf-8")
    charts = [_drawing(base64.b64decode(c).decode("utf-8")) for c in _CHART.findall(page)]
    return (_CHART.sub('src="chart"', page) + "\n".join(charts)).encode("utf-8")


def save(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "cli").mkdir(parents=True)
    for name, table in api_tables().items():
        (folder / f"{name}.csv.gz").write_bytes(gzip.compress(_canonical(table), mtime=0))
    for path in cli_files(folder / "cli"):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(comparable(path), mtime=0))
        path.unlink()
    print(f"saved {len(list(folder.rglob('*.*')))} outputs in {folder}")


def compare(folder: Path) -> int:
    differences: list[str] = []
    check: Callable[[str, Callable[[], None]], None]

    def check(name: str, test: Callable[[], None]) -> None:
        try:
            test()
        except AssertionError as error:
            differences.append(f"{name}: {str(error).splitlines()[0]}")

    for name, table in api_tables().items():
        before = gzip.decompress((folder / f"{name}.csv.gz").read_bytes())
        check(name, lambda b=before, t=table: _equal(_canonical(t), b))
    with tempfile.TemporaryDirectory() as tmp:
        written = cli_files(Path(tmp))
        names = sorted(p.name for p in written)
        saved = sorted(p.name.removesuffix(".gz") for p in (folder / "cli").iterdir())
        check("cli files", lambda: _equal(names, saved))
        for path in written:
            before = folder / "cli" / (path.name + ".gz")
            if before.exists():
                check(path.name, lambda p=path, b=before: _equal(
                    comparable(p), gzip.decompress(b.read_bytes())))
    for line in differences:
        print("DIFFERENT", line)
    total = len(api_tables()) + len(names)
    print(f"{total - len(differences)} of {total} outputs identical")
    return 1 if differences else 0


def _equal(a: object, b: object) -> None:
    assert a == b, "content differs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--save", type=Path, metavar="FOLDER")
    where.add_argument("--compare", type=Path, metavar="FOLDER")
    args = parser.parse_args()
    if args.save:
        save(args.save)
        return 0
    return compare(args.compare)


if __name__ == "__main__":
    sys.exit(main())
