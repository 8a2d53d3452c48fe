"""Write the example files: a sample cohort, the same as a Japanese Excel export, a mapping.

    python examples/make_examples.py

- ``leavers_sample.csv``: 300 synthetic leavers (UTF-8, schema headers).
- ``leavers_sample_ja.csv``: the same leavers as Japanese Excel writes them: Shift_JIS
  (cp932), Japanese headers, はい/いいえ, plus an extra column 氏名 (name) that is not a
  model input.
- ``columns_ja.toml``: maps those Japanese headers to the schema fields.
- ``leavers_audit.csv``: the sample cohort with a ``race_ethnicity`` column (groups A to
  E, some blank), for ``rehire-model audit``. The column is made up: drawn at random,
  independent of every answer, so any gap it shows is chance in 300 people.
- ``hr_export_ja.xlsx`` with ``hr_export_ja.columns.toml``: 1,200 leavers as a
  Japanese HR team keeps them in Excel (a notes sheet first; a title row and a blank row
  above the headers; the company's own headers; Japanese labels with full-width tildes;
  有/無, あり/なし, ○/×, 実施/未実施; full-width digits; 5 % of answers blank; ids in
  回答者ID; 6 truly wrong values), and the column map written for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import rehire_model as rm
from rehire_model.schema import FIELDS
from rehire_model.survey import write_hr_export

HERE = Path(__file__).resolve().parent


def main() -> None:
    data = rm.make_leaver_survey(300, random_state=2026)
    data.to_csv(HERE / "leavers_sample.csv", index=False)

    headers = {f.name: f.label_ja for f in FIELDS if f.name in data.columns}
    export = data.copy()
    for f in FIELDS:
        if f.kind == "bool" and f.name in export.columns:
            export[f.name] = export[f.name].map({True: "はい", False: "いいえ"})
    export.insert(1, "氏名", [f"退職者{i + 1:03d}" for i in range(len(export))])
    export.rename(columns=headers).to_csv(
        HERE / "leavers_sample_ja.csv", index=False, encoding="cp932")

    lines = ["# Japanese headers of leavers_sample_ja.csv -> schema fields", "[columns]"]
    lines += [f'"{label}" = "{name}"' for name, label in headers.items()]
    (HERE / "columns_ja.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    rng = np.random.default_rng(2026)
    race = rng.choice(["A", "B", "C", "D", "E", ""], size=len(data),
                      p=[0.45, 0.25, 0.15, 0.1, 0.015, 0.035])
    data.insert(data.columns.get_loc("gender") + 1, "race_ethnicity", race)
    data.to_csv(HERE / "leavers_audit.csv", index=False)

    cohort = rm.make_leaver_survey(1200, random_state=2027).drop(
        columns=["alumni_engagement", "rehire_intent"])
    write_hr_export(cohort, HERE / "hr_export_ja.xlsx", random_state=2027, bad_values=6)


if __name__ == "__main__":
    main()
