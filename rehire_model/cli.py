"""The ``rehire-model`` command: make data, validate, draft a config, train and score.

A thin layer over the library: every subcommand calls the public functions. Logs go
to stderr (``-v`` for more), results to files or stdout. Exit status: 0 success;
1 some rows rejected or invalid (score, validate) or the training data have bad
values (train); 2 a usage error or an input that cannot be read.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from ._version import __version__
from .batch import OutputWords, check_file, score_file
from .draft import draft_config
from .evaluation import held_out_table
from .exceptions import InputError, RehireModelError, RehireModelWarning, SchemaError
from .fairness_audit import audit, audit_files, write_audit
from .labels import attribute_label, group_value_label, p_value_text
from .model import RehireModel
from .model_io import load_model, save_model
from .monitoring import PERIODS, Monitoring, monitor, split_waves
from .questionnaire import questionnaire
from .report import simulation_display, write_report
from .survey import make_leaver_survey
from .tables import (
    ColumnMap,
    read_column_map,
    read_numbered_table,
    read_table,
    resolve_columns,
    write_table,
)
from .texts import LANGS, Message, message, text
from .training import train
from .updating import METHODS, update
from .whatif import simulate_policies

logger = logging.getLogger("rehire_model.cli")

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _columns(args: argparse.Namespace) -> ColumnMap | None:
    return read_column_map(args.columns) if args.columns else None


def _where(args: argparse.Namespace, model: RehireModel | None = None) -> dict[str, Any]:
    """How to read the input table: the input options of every command that reads one,
    the model's own ``[columns]`` under the mapping given."""
    columns = _columns(args)
    if model is not None and model.config.columns:
        columns = (columns or ColumnMap()).under(model.config.columns)
    return {"encoding": args.encoding, "columns": columns, "sheet": args.sheet,
            "sep": args.sep, "header_row": args.header_row, "id_column": args.id}


def _say(key: str, lang: str, **values: Any) -> None:
    print(text(key, lang, **values), file=sys.stderr)


# --------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------


def _make_data(args: argparse.Namespace) -> int:
    data, truth = make_leaver_survey(args.n, random_state=args.seed, return_truth=True)
    write_table(data, args.output, encoding=args.encoding)
    if args.truth:
        write_table(pd.concat([data[["leaver_id"]], truth], axis=1), args.truth)
    _say("cli.made_data", args.lang, n=f"{len(data):,}", path=args.output)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    model = load_model(args.model) if args.model else None
    rules = model.config.validation_options if model else {}
    lang = args.lang
    summary, problems = check_file(args.input, lang=lang, **_where(args, model), **rules)
    for row in problems.head(args.show).itertuples():
        _say("cli.problem_line", lang, line=row.line, problem=row.problem)
    if len(problems) > args.show:
        _say("cli.more_problems", lang, n=f"{len(problems) - args.show:,}")
    if args.report:
        words = OutputWords(lang, args.codes, summary.headers)
        write_table(words.rejects(problems), args.report, raw_text=args.raw_text,
                    encoding="utf-8-sig" if lang == "ja" else "utf-8")
    print(summary.where(lang) + text(
        "cli.checked", lang, read=f"{summary.read:,}", valid=f"{summary.scored:,}",
        rejected=f"{summary.rejected:,}", problems=f"{len(problems):,}"), file=sys.stderr)
    return EXIT_REJECTED if summary.rejected else EXIT_OK


def _refuse_existing(path: Path, overwrite: bool) -> None:
    """Before any work: an output that exists is replaced only when asked."""
    if path.exists() and not overwrite:
        raise InputError(message("cli.exists", path=str(path)))


def _train(args: argparse.Namespace) -> int:
    _refuse_existing(args.out, args.overwrite)
    data = read_table(args.data, **_where(args))
    try:
        model = train(data, args.config, n_jobs=args.jobs)
    except SchemaError as e:
        _say("cli.training_problems", args.lang, problems=e.in_language(args.lang))
        return EXIT_REJECTED
    save_model(model, args.out, overwrite=args.overwrite)
    _say("cli.saved_model", args.lang, path=args.out, kept=model.selected)
    print(held_out_table(model).round(4).to_string())
    return EXIT_OK


def _score(args: argparse.Namespace) -> int:
    summary = score_file(
        args.input, args.output, model=args.model, keep=args.keep, explain=args.explain,
        lang=args.lang, rejects=args.rejects, chunk_rows=args.chunk_rows,
        output_encoding=args.output_encoding, progress=args.progress,
        audit_log=args.audit_log, coach=args.coach, raw_text=args.raw_text,
        codes=args.codes, **_where(args),
    )
    lang = args.lang
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    print(summary.line(lang) + summary.notes(lang) + text("cli.rate", lang, rate=f"{rate:,.0f}"),
          file=sys.stderr)
    return EXIT_REJECTED if summary.rejected else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    where = _where(args, model)
    data = read_table(args.data, **where)
    name = args.model.name if args.model else "default"
    audit_by = args.audit_by and resolve_columns(args.audit_by, where["columns"], data.columns)
    monitoring = None
    if args.period_column or args.period or args.outcomes:
        if not args.period_column:
            raise InputError(message("cli.needs_period_column",
                                     flag="--period" if args.period else "--outcomes"))
        waves = split_waves(data, _period_column(args, where, data), args.period or "quarter")
        monitoring = monitor(model, waves, outcomes=_outcomes(args, where))
    path = write_report(model, data, args.output, lang=args.lang,
                        leaver_ids=args.leaver_ids, name=name, audit_by=audit_by,
                        intersections=not args.no_intersections, monitoring=monitoring)
    _say("cli.wrote", args.lang, path=path)
    return EXIT_OK


def _period_column(args: argparse.Namespace, where: dict[str, Any], data: pd.DataFrame
                   ) -> str:
    """The date column ``--period-column`` names: a header of the file, one the column
    map renames, or a field's name or label."""
    return resolve_columns([args.period_column], where["columns"], data.columns)[0]


def _outcomes(args: argparse.Namespace, where: dict[str, Any]) -> pd.DataFrame | None:
    """The ``--outcomes`` file, read with the column map and id column of the records; its
    sheet and header row are found on their own (``--sheet`` and ``--header-row`` name
    the records' ones)."""
    if not args.outcomes:
        return None
    return read_table(args.outcomes, **{**where, "sheet": None, "header_row": None})


def _read_waves(args: argparse.Namespace, where: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The waves of the files given, in order: each file a wave named by its stem, or one
    file split by its date column. Each record's index is its line in its file."""
    if args.period and not args.period_column:
        raise InputError(message("cli.needs_period_column", flag="--period"))
    if args.period_column:
        if len(args.waves) > 1:
            raise InputError(message("cli.period_one_file", n=len(args.waves)))
        data = _numbered(args.waves[0], where)
        return split_waves(data, _period_column(args, where, data), args.period or "quarter")
    names = [path.stem for path in args.waves]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(message("cli.wave_names", names=", ".join(repeated)))
    return {path.stem: _numbered(path, where) for path in args.waves}


def _numbered(path: Path, where: dict[str, Any]) -> pd.DataFrame:
    data, lines = read_numbered_table(path, **where)
    return data.set_axis(pd.Index(lines, name="line"), axis=0)


def _monitor(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(message("cli.monitor_output", path=str(args.output)))
    for place in Monitoring.files(args.output).values():
        _refuse_existing(place, args.overwrite)
    model = load_model(args.model)
    where = _where(args, model)
    result = monitor(model, _read_waves(args, where), outcomes=_outcomes(args, where))
    # The records' index is their line in the file: the rejects name it as such.
    rejects = result.rejects.rename(columns={"index": "line"}).drop(columns="row")
    written = dataclasses.replace(result, rejects=rejects).write(
        args.output, lang=args.lang, codes=args.codes or args.lang != "ja",
        raw_text=args.raw_text)
    print(result.summary(args.lang), file=sys.stderr)
    _say("cli.wrote", args.lang, path=", ".join(str(p) for p in written))
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    _refuse_existing(args.output, args.overwrite)
    if args.data is None and not args.base_rate:
        raise InputError(message("cli.update_needs"))
    model = load_model(args.model)
    rates = {}
    for option in args.base_rate:
        target, value = _pair_option("--base-rate", option, "TARGET=RATE",
                                     "rehire_intent=0.33")
        try:
            rates[target] = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
        except ValueError as e:
            raise InputError(message("cli.pair_option", flag="--base-rate", option=option,
                                     form="TARGET=RATE", example="rehire_intent=0.33")) from e
        if target not in model.targets:
            raise InputError(message("cli.base_rate_target", option=option, target=target,
                                     targets=", ".join(model.targets)))
        if not 0 < rates[target] < 1:
            raise InputError(message("cli.base_rate_range", option=option))
    data = None if args.data is None else read_table(args.data, **_where(args, model))
    try:
        updated = update(model, data, method=args.method, base_rate=rates or None,
                         random_state=args.seed)
    except SchemaError as e:
        _say("cli.training_problems", args.lang, problems=e.in_language(args.lang))
        return EXIT_REJECTED
    save_model(updated, args.output, overwrite=args.overwrite)
    for target, entry in updated.lineage["targets"].items():
        key = "cli.updated_target" if entry["events"] else "cli.updated_target_no_labels"
        _say(key, args.lang, outcome=text(f"target.{target}", args.lang),
             method=text(f"update.method.{entry['method']}", args.lang), n=f"{entry['n']:,}",
             events=f"{entry['events']:,}", reason=entry["reason"][args.lang],
             change=_change(entry, args.lang))
    _say("cli.wrote", args.lang, path=args.output)
    return EXIT_OK


def _change(entry: dict[str, Any], lang: str) -> str:
    """AUC and Brier on the labelled leavers: the model as it was, and the update's
    cross-validated predictions."""
    before, after = entry.get("before") or {}, entry.get("after") or {}
    if not before or not after:
        return ""
    return text("cli.update_change", lang, auc=f"{before['roc_auc']:.3f}",
                auc_after=f"{after['roc_auc']:.3f}", brier=f"{before['brier']:.3f}",
                brier_after=f"{after['brier']:.3f}")


def _init_config(args: argparse.Namespace) -> int:
    _refuse_existing(args.output, args.overwrite)
    targets = dict(_pair_option("--target", option, "TARGET=COLUMN",
                                "rehire_intent=would_return") for option in args.target)
    data = read_table(args.data, **_where(args))
    draft = draft_config(data, targets=targets or None, source=args.data.name)
    args.output.write_text(draft, encoding="utf-8")
    _say("cli.drafted", args.lang, path=args.output, data=args.data)
    return EXIT_OK


def _questionnaire(args: argparse.Namespace) -> int:
    form_format = args.format or ("html" if args.output.suffix.lower() in (".html", ".htm")
                                  else "xlsform")
    map_path = args.output.with_name(f"{args.output.stem}.columns.toml")
    for path in (args.output, map_path):
        _refuse_existing(path, args.overwrite)
    form = questionnaire(lang=args.langs, config=args.config, protected=args.protected)
    form.write(args.output, format=form_format)
    key = "cli.questionnaire_page" if form_format == "html" else "cli.questionnaire_wrote"
    _say(key, args.langs[0], path=args.output, n=len(form.fields), map=map_path)
    return EXIT_OK


def _form_langs(option: str) -> tuple[str, ...]:
    langs = tuple(code.strip() for code in option.split(","))
    if not all(code in LANGS for code in langs) or len(set(langs)) != len(langs):
        raise argparse.ArgumentTypeError(
            f"expected distinct languages of {', '.join(LANGS)} separated by commas, "
            f"got {option!r}")
    return langs


def _pair_option(flag: str, option: str, form: str, example: str) -> tuple[str, str]:
    name, sep, value = option.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise InputError(message("cli.pair_option", flag=flag, option=option, form=form,
                                 example=example))
    return name.strip(), value.strip()


def _bands(options: Sequence[str], columns: ColumnMap | None, present: Sequence[str]
           ) -> dict[str, list[float]]:
    """``--bands ATTRIBUTE=EDGE,EDGE,...`` options as band edges by attribute."""
    bands = {}
    for option in options:
        name, edges = _pair_option("--bands", option, "ATTRIBUTE=EDGE,EDGE,...",
                                   "age=30,40,50")
        try:
            numbers = [float(edge) for edge in edges.split(",") if edge.strip()]
        except ValueError as e:
            raise InputError(message("cli.bad_bands", option=option)) from e
        bands[resolve_columns([name], columns, present)[0]] = numbers
    return bands


def _audit(args: argparse.Namespace) -> int:
    workbook = args.output.suffix.lower() == ".xlsx"
    for place in [args.output] if workbook else audit_files(args.output).values():
        _refuse_existing(place, args.overwrite)
    model = load_model(args.model)
    where = _where(args, model)
    data, lines = read_numbered_table(args.data, text_columns=("leaver_id", *args.by),
                                      **where)
    by = resolve_columns(args.by, where["columns"], data.columns)
    reference = {resolve_columns([name], where["columns"], data.columns)[0]: group
                 for name, group in (_pair_option("--reference", option, "ATTRIBUTE=GROUP",
                                                  "race_ethnicity=A")
                                     for option in args.reference)}
    result = audit(model, data, by=by, intersections=not args.no_intersections,
                   reference=reference, exclude_small=args.exclude_small,
                   bands=_bands(args.bands, where["columns"], data.columns), lang=args.lang)
    for attribute, (distinct, bands) in result.banded.items():
        _say("cli.banded", args.lang, attribute=attribute_label(attribute, args.lang),
             distinct=distinct, bands=text("audit.list_separator", args.lang).join(
                 group_value_label(attribute, band, args.lang) for band in bands))
    problems = result.problems
    if len(problems):
        problems = problems.assign(row=lines[problems["row"].to_numpy()]).rename(
            columns={"row": "line"})
    written = write_audit(dataclasses.replace(result, problems=problems), args.output,
                          lang=args.lang, raw_text=args.raw_text, codes=args.codes)
    lang = args.lang
    lowest = [text("cli.lowest_ratio", lang, outcome=text(f"target.{row.target}", lang),
                   attribute=attribute_label(row.attribute, lang),
                   group=group_value_label(row.attribute, row.group, lang),
                   ratio=f"{row.impact_ratio:.3f}", n=f"{row.n:,}",
                   rate=text(f"rate.{row.rate}", lang), p=p_value_text(row.p_adjusted))
              for row in result.lowest_ratios().itertuples()]
    print(text("cli.audited", lang, n=f"{result.n_scored:,}",
               attributes=text("audit.list_separator", lang).join(
                   attribute_label(a, lang) for a in by),
               rejected=f"{problems['line'].nunique() if len(problems) else 0:,}",
               lowest=text("audit.list_separator", lang).join(lowest)
               or text("report.fairness_none", lang),
               within=f"{len(result.findings('not_distinguishable')):,}",
               files=", ".join(str(p) for p in written)), file=sys.stderr)
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    cohort = read_table(args.input, **_where(args, model))
    table = simulate_policies(model, cohort, pairs=not args.no_pairs,
                              n_bootstrap=args.bootstrap)
    if args.output:
        write_table(table, args.output, raw_text=args.raw_text)
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20,
                               "display.unicode.east_asian_width", args.lang == "ja"):
            print(simulation_display(model, table, args.lang).to_string(index=False))
    print(text("coach.causal_note", args.lang), file=sys.stderr)
    return EXIT_OK


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------

_EPILOG = """\
examples:
  rehire-model make-data -n 2000 -o leavers.csv
  rehire-model validate leavers.csv
  rehire-model score leavers.csv -o scores.csv --explain 3 --lang ja
  rehire-model score export_sjis.csv -o scores.csv --columns columns.toml --keep 氏名
  rehire-model init-config survey.csv -o my.toml --target rehire_intent=would_return
  rehire-model train --data survey.csv --out models/my-model --config my.toml
  rehire-model report --data leavers.csv -o report.html --lang ja
  rehire-model update --data outcomes.xlsx -o models/ours
  rehire-model update --base-rate rehire_intent=0.33 -o models/ours-rate
  rehire-model monitor --model models/ours 2025Q1.csv 2025Q2.csv -o monitor.xlsx
  rehire-model monitor leavers.xlsx --period-column exit_date --outcomes outcomes.csv \
      -o monitor.xlsx --lang ja
  rehire-model report --data leavers.csv --period-column exit_date -o report.html
  rehire-model simulate leavers.csv
  rehire-model audit leavers.csv --by gender,age_band,race_ethnicity -o audit.xlsx
  rehire-model questionnaire -o exit_survey.xlsx --lang ja,en
  rehire-model questionnaire -o exit_survey.html --lang ja --config my.toml

Scores are decision support for HR staff, never the sole basis for a decision about
a person.
"""


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoding", help="encoding of a CSV input (default: detected; "
                        "UTF-8, UTF-8 with BOM, UTF-16 with BOM or Shift_JIS/cp932)")
    parser.add_argument("--sep", metavar="{',',';',tab}",
                        help="separator of a CSV input (default: detected from the header "
                        "line)")
    parser.add_argument("--columns", type=Path, metavar="MAP.toml",
                        help="mapping of your headers to schema fields ([columns] table) "
                        "and of your spellings of values ([values.FIELD] tables)")
    parser.add_argument("--sheet", metavar="NAME",
                        help="the sheet of an Excel (.xlsx) input (default: the sheet "
                        "whose headers name the most fields)")
    parser.add_argument("--header-row", type=int, metavar="N",
                        help="the row of the headers, as Excel numbers it (default: the "
                        "row within the first 20 that names the most fields)")
    parser.add_argument("--id", metavar="COLUMN",
                        help="the column holding each leaver's id, when it is not "
                        "leaver_id or mapped to it (without any id, outputs carry each "
                        "row's line)")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-text", action="store_true",
                        help="write CSV text exactly as it is (by default a text that a "
                        "spreadsheet would run as a formula, such as =HYPERLINK(...), gets a "
                        "leading apostrophe)")


def _wave_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--period-column", metavar="COLUMN", help=f"{what} (dates such as "
                        "2025-07-31, e.g. exit_date)")
    parser.add_argument("--period", choices=tuple(PERIODS),
                        help="the length of a wave with --period-column (default quarter)")
    parser.add_argument("--outcomes", type=Path, metavar="FILE",
                        help="outcomes that arrived later: leaver_id and outcome columns "
                        "(CSV, Excel (.xlsx) or Parquet), joined to the waves by leaver_id")


def _lang_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--lang", choices=LANGS, default="en",
                        help=f"{what}, and of every message (default en)")


def _codes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--codes", action="store_true",
                        help="keep identifiers in output tables under --lang ja "
                        "(p_rehire_intent, detached, column names), for programs")


#: The subparsers of ``rehire-model``, to which each ``_add_*`` function adds one.
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _common_options() -> argparse.ArgumentParser:
    """The options every subcommand takes, as a parent parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log messages on stderr (-vv for debugging)")
    return common


def _add_make_data(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``make-data``: write a calibrated synthetic leaver survey."""
    make = commands.add_parser("make-data", parents=[common],
                               help="write a calibrated synthetic leaver survey")
    make.add_argument("-n", type=int, default=2000, help="number of leavers (default 2000)")
    make.add_argument("-o", "--output", type=Path, required=True,
                      help="CSV file, .xlsx or .parquet")
    make.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    make.add_argument("--encoding", default="utf-8",
                      help="CSV encoding, e.g. utf-8-sig or cp932 (default utf-8)")
    make.add_argument("--truth", type=Path, metavar="FILE",
                      help="also write each leaver's true probabilities")
    _lang_option(make, "language of the summary")
    make.set_defaults(func=_make_data)


def _add_validate(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``validate``: check a leaver file against the schema."""
    check = commands.add_parser("validate", parents=[common],
                                help="check a leaver file against the schema")
    check.add_argument("input", type=Path, help="CSV, Excel (.xlsx) or Parquet file")
    _input_options(check)
    _output_options(check)
    check.add_argument("--model", type=Path, help="check the fields this model folder reads")
    check.add_argument("--report", type=Path, metavar="FILE",
                       help="write every problem to this CSV (or .xlsx, .parquet) file")
    check.add_argument("--show", type=int, default=20, help="problems shown (default 20)")
    _lang_option(check, "language of the problems and the summary")
    _codes_option(check)
    check.set_defaults(func=_validate)


def _add_train(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``train``: train and calibrate a model on labelled leavers."""
    fit = commands.add_parser("train", parents=[common],
                              help="train and calibrate a model on labelled leavers")
    fit.add_argument("--data", type=Path, required=True,
                     help="CSV, Excel (.xlsx) or Parquet file")
    fit.add_argument("--out", type=Path, required=True, help="model folder to write")
    fit.add_argument("--config", type=Path, help="training config (TOML); default: "
                     "training/configs/default.toml settings")
    fit.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    fit.add_argument("--jobs", type=int, default=-1, metavar="N",
                     help="processes for the cross-validation (default -1: every core)")
    _lang_option(fit, "language of the summary")
    _input_options(fit)
    fit.set_defaults(func=_train)


def _add_score(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``score``: score every leaver of a file."""
    score = commands.add_parser(
        "score", parents=[common], help="score every leaver of a file",
        description="Score every leaver of a CSV, Excel (.xlsx) or Parquet file in chunks. "
        "Rows with problems go to OUTPUT.rejects.csv (or the sheet 'rejects' of an .xlsx "
        "OUTPUT) with their line and reason; the last line printed counts rows read, "
        "scored and rejected.")
    score.add_argument("input", type=Path, help="CSV, Excel (.xlsx) or Parquet file")
    score.add_argument("-o", "--output", required=True,
                       help="scores file (CSV, .xlsx with sheets scores and rejects, or "
                       ".parquet); - for stdout")
    score.add_argument("--model", type=Path, help="model folder (default: the default model)")
    score.add_argument("--explain", type=int, default=0, metavar="K",
                       help="add the top K reasons per target as text columns")
    _lang_option(score, "language of the reasons, the coaching, the output tables' "
                 "headers and labels and the summary")
    _codes_option(score)
    score.add_argument("--keep", nargs="+", default=[], metavar="COL",
                       help="input columns to carry through to the output")
    score.add_argument("--rejects", type=Path, help="rejects file (default "
                       "OUTPUT.rejects.csv, or the sheet 'rejects' of an .xlsx OUTPUT)")
    score.add_argument("--chunk-rows", type=int, default=50_000,
                       help="rows per chunk (default 50000)")
    score.add_argument("--output-encoding",
                       help="CSV output encoding (default utf-8-sig, which Japanese Excel "
                       "opens intact, under --lang ja, else utf-8; not used for .xlsx)")
    score.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bar on stderr (default: when stderr is a terminal)")
    score.add_argument("--coach", type=int, default=0, metavar="K",
                       help="add the top K exit-interview actions not yet taken, with "
                       "their predicted gains (a checklist column per leaver; about as "
                       "fast as scoring)")
    score.add_argument("--audit-log", type=Path, metavar="FILE.jsonl",
                       help="append one line per scored person (time, model, input hash, "
                       "scores, segment, top reasons): the record a deployer keeps")
    _input_options(score)
    _output_options(score)
    score.set_defaults(func=_score)


def _add_simulate(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``simulate``: what the alumni policies the cohort lacks would change."""
    simulate = commands.add_parser(
        "simulate", parents=[common],
        help="what each alumni policy (and pair) the cohort lacks would change")
    simulate.add_argument("input", type=Path,
                          help="the cohort (CSV, Excel (.xlsx) or Parquet)")
    simulate.add_argument("--model", type=Path, help="model folder (default: the default model)")
    simulate.add_argument("-o", "--output", type=Path,
                          help="write the table (CSV, .xlsx or Parquet)")
    simulate.add_argument("--no-pairs", action="store_true", help="single policies only")
    simulate.add_argument("--bootstrap", type=int, default=500,
                          help="bootstrap resamples for the intervals (default 500)")
    _lang_option(simulate, "language of the printed table and note")
    _input_options(simulate)
    _output_options(simulate)
    simulate.set_defaults(func=_simulate)


def _add_init_config(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``init-config``: draft a training config from a survey file."""
    draft = commands.add_parser(
        "init-config", parents=[common],
        help="draft a training config from your survey file",
        description="Draft a complete, commented training config from a survey file: "
        "schema fields found by name, every other column as a company column with its "
        "kind, levels or range, likely protected columns left out (with the reason), and "
        "the targets to fill in. Review it before training.")
    draft.add_argument("data", type=Path, help="the survey (CSV, Excel (.xlsx) or Parquet)")
    draft.add_argument("-o", "--output", type=Path, required=True,
                       help="the config file to write (TOML)")
    draft.add_argument("--target", action="append", default=[], metavar="TARGET=COLUMN",
                       help="the column of a target, e.g. rehire_intent=would_return; "
                       "targets not named are left out (one-target model)")
    draft.add_argument("--overwrite", action="store_true", help="replace an existing file")
    _lang_option(draft, "language of the summary")
    _input_options(draft)
    draft.set_defaults(func=_init_config)


def _add_update(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``update``: update a model from outcomes or a known base rate."""
    updating = commands.add_parser(
        "update", parents=[common],
        help="update a model from your leavers' outcomes or a base rate you know",
        description="Update a model from labelled leavers (records with the outcome "
        "columns), per target: calibration-in-the-large (intercept), logistic recalibration "
        "(intercept and slope), a penalised model revision (revise), retraining on the "
        "labelled leavers (refit), or auto: the simplest update that the best one does not "
        "clearly beat in cross-validated log loss. A target without outcomes stays as it "
        "was. --base-rate shifts a target to a positive rate you know (over the records of "
        "--data when given). Writes a new model folder with its lineage.")
    updating.add_argument("--model", type=Path,
                          help="model folder to update (default: the default model)")
    updating.add_argument("--data", type=Path,
                          help="labelled leavers (CSV, Excel (.xlsx) or Parquet)")
    updating.add_argument("-o", "--output", type=Path, required=True,
                          help="the new model folder")
    updating.add_argument("--method", choices=("auto", *METHODS), default="auto",
                          help="the update of each target with outcomes (default auto)")
    updating.add_argument("--base-rate", action="append", default=[], metavar="TARGET=RATE",
                          help="a positive rate you know, e.g. rehire_intent=0.33 or "
                          "rehire_intent=33%%")
    updating.add_argument("--seed", type=int, default=0,
                          help="seed of the cross-validation folds (default 0)")
    updating.add_argument("--overwrite", action="store_true",
                          help="replace an existing folder")
    _lang_option(updating, "language of the summary")
    _input_options(updating)
    updating.set_defaults(func=_update)


def _add_report(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``report``: write the trust report as one HTML file."""
    report = commands.add_parser(
        "report", parents=[common], help="write the trust report (model card, metrics, "
        "fairness by group) as one HTML file")
    report.add_argument("--model", type=Path, help="model folder (default: the default model)")
    report.add_argument("--data", type=Path, required=True,
                        help="leaver records (CSV, Excel (.xlsx) or Parquet); with outcome "
                        "columns the report evaluates, without them it describes the cohort")
    report.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    _lang_option(report, "language of every word of the report")
    report.add_argument("--leaver-ids", nargs="+", default=[], metavar="ID",
                        help="add per-person reason charts for these leavers")
    report.add_argument("--audit-by", type=_names, metavar="COL,COL",
                        help="columns to audit fairness by (default: gender,age_band, those "
                        "the data have); any column, e.g. race_ethnicity")
    report.add_argument("--no-intersections", action="store_true",
                        help="audit each attribute alone, not also every pair")
    _wave_options(report, "add the predictions against the outcomes by wave, the verdicts "
                  "and the answers that changed: split the data into waves by this date "
                  "column")
    _input_options(report)
    report.set_defaults(func=_report)


def _add_monitor(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``monitor``: calibration, input drift and a verdict per wave."""
    monitoring = commands.add_parser(
        "monitor", parents=[common],
        help="calibration, input drift and a verdict per wave of leavers",
        description="Monitor a model over waves of leavers (quarters, say). Per wave: "
        "calibration where outcomes are known (calibration-in-the-large, slope, Brier "
        "score, ROC AUC, each with its 95 % interval), input drift per field against the "
        "model's training data (PSI, blank rates, values the model never learned), and a "
        "verdict per wave and outcome: fine, recalibrate (rehire-model update) or retrain. "
        "Every alarm is judged against what chance gives at the wave's size. Writes OUTPUT "
        "(.xlsx with a sheet per part, or .csv with OUTPUT.drift.csv and "
        "OUTPUT.rejects.csv beside it) and prints each wave's verdicts with their reasons. "
        "Exit status 0 whatever the verdicts; 2 when an input cannot be read.")
    monitoring.add_argument("waves", nargs="+", type=Path, metavar="WAVE",
                            help="leaver records (CSV, Excel (.xlsx) or Parquet): one file "
                            "per wave, in time order, the wave named by the file's name "
                            "without its extension; or one file with --period-column")
    monitoring.add_argument("--model", type=Path,
                            help="model folder (default: the default model)")
    monitoring.add_argument("-o", "--output", type=Path, required=True,
                            help="the result: .xlsx or .csv")
    _wave_options(monitoring, "split one file into waves by this date column")
    monitoring.add_argument("--overwrite", action="store_true",
                            help="replace existing files")
    _lang_option(monitoring, "language of the summary and of the tables written")
    _codes_option(monitoring)
    _input_options(monitoring)
    _output_options(monitoring)
    monitoring.set_defaults(func=_monitor)


def _add_audit(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``audit``: the fairness audit of a cohort's scores."""
    auditing = commands.add_parser(
        "audit", parents=[common],
        help="fairness audit: rates and impact ratios by group, unknowns, gap drivers",
        description="Audit the scores of a cohort by group, as bias audits of hiring tools "
        "report it (NYC Local Law 144): per target and group the share selected and the "
        "share above the cohort's median with their impact ratios, groups under 5 people "
        "suppressed, groups under 2 %% marked, unknowns counted; and the reasons that drive "
        "each group's gap against the reference group, levers apart from facts. Writes "
        "OUTPUT, OUTPUT.unknown, OUTPUT.drivers (and OUTPUT.rejects) beside it, or sheets "
        "of one .xlsx. It supports a bias audit; it is not an independent one.")
    auditing.add_argument("data", type=Path, help="the cohort (CSV, Excel (.xlsx) or Parquet)")
    auditing.add_argument("--by", type=_names, required=True, metavar="COL,COL",
                          help="columns to audit by, e.g. gender,age_band,race_ethnicity "
                          "(age_band is derived from age)")
    auditing.add_argument("-o", "--output", type=Path, required=True,
                          help="audit table: .csv (parts beside it), .xlsx or .parquet")
    auditing.add_argument("--model", type=Path, help="model folder (default: the default model)")
    auditing.add_argument("--reference", action="append", default=[], metavar="ATTRIBUTE=GROUP",
                          help="the group gaps are measured against, e.g. race_ethnicity=A "
                          "(default: the highest selection rate)")
    auditing.add_argument("--no-intersections", action="store_true",
                          help="audit each attribute alone, not also every pair")
    auditing.add_argument("--exclude-small", action="store_true",
                          help="leave groups under 2 %% of the cohort out of the impact "
                          "ratios")
    auditing.add_argument("--bands", action="append", default=[],
                          metavar="ATTRIBUTE=EDGE,EDGE",
                          help="band edges of a numeric attribute, e.g. age=30,40,50 "
                          "(default: age in 10-year bands and any other numeric attribute "
                          "with more than 10 values at its quintiles)")
    auditing.add_argument("--overwrite", action="store_true", help="replace existing files")
    _lang_option(auditing, "language of the summary and of the tables written")
    _codes_option(auditing)
    _input_options(auditing)
    _output_options(auditing)
    auditing.set_defaults(func=_audit)


def _add_questionnaire(commands: _Commands, common: argparse.ArgumentParser) -> None:
    """Add ``questionnaire``: write the exit survey as an XLSForm or a printable page."""
    form = commands.add_parser(
        "questionnaire", parents=[common],
        help="write the exit survey (XLSForm for KoboToolbox/ODK, or a printable page)",
        description="Write the exit survey that collects what the model reads: an XLSForm "
        "(KoboToolbox, ODK Central, Enketo, Survey123) whose question names are the "
        "schema's fields and whose choice names are the codes it reads, or a printable A4 "
        "page for paper interviews; beside it a column map for exports headed by labels.")
    form.add_argument("-o", "--output", type=Path, required=True,
                      help="the form to write (.xlsx), or the page (.html)")
    form.add_argument("--lang", dest="langs", type=_form_langs, default=("ja", "en"),
                      metavar="ja,en", help="the form's languages, the first its default "
                      "and the language of the page and of messages (default ja,en)")
    form.add_argument("--config", type=Path, metavar="CONFIG.toml",
                      help="a training config: ask its fields and its own columns "
                      "([[features.extra]]) (default: the default config's fields)")
    form.add_argument("--format", choices=("xlsform", "html"),
                      help="xlsform or html (default: from the output's suffix)")
    form.add_argument("--no-protected", dest="protected", action="store_false",
                      help="leave out the optional questions on age, gender, marital "
                      "status and children (asked for fairness audits only)")
    form.add_argument("--overwrite", action="store_true", help="replace existing files")
    form.set_defaults(func=_questionnaire)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rehire-model``."""
    parser = argparse.ArgumentParser(
        prog="rehire-model",
        description="Predict and explain alumni engagement and rehire intent of leavers.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rehire-model {__version__}")
    common = _common_options()
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_make_data, _add_validate, _add_train, _add_score, _add_simulate,
                _add_init_config, _add_update, _add_report, _add_monitor, _add_audit,
                _add_questionnaire):
        add(commands, common)
    return parser


def _names(option: str) -> list[str]:
    names = [name.strip() for name in option.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected column names separated by commas, "
                                         f"got {option!r}")
    return names


def _check_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for name, least in (("n", 1), ("explain", 0), ("chunk_rows", 1), ("show", 0),
                        ("coach", 0), ("bootstrap", 10)):
        value = getattr(args, name, None)
        if value is not None and value < least:
            parser.error(f"--{name.replace('_', '-')} must be at least {least}, got {value}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``rehire-model``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_numbers(parser, args)
    lang = getattr(args, "lang", None) or getattr(args, "langs", ("en",))[0]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogLines(lang))
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, handlers=[handler])
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warnings(lang)
        try:
            return args.func(args)
        except (RehireModelError, OSError) as e:
            problem = e.in_language(lang) if isinstance(e, RehireModelError) else str(e)
            _say("cli.error", lang, problem=problem)
            return EXIT_USAGE
        except KeyboardInterrupt:
            _say("cli.interrupted", lang)
            return 130


class _LogLines(logging.Formatter):
    """Log records as lines of the command: a logged message of the texts as a warning
    in the command's language, the rest as ``LEVEL logger: message``."""

    def __init__(self, lang: str) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.lang = lang

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.msg, Message) and not record.args:
            return text("cli.warning", self.lang, problem=record.msg.render(self.lang))
        return super().format(record)


def _one_line_warnings(lang: str) -> Callable[..., None]:
    """Show a warning as one line of the command's output, in ``lang``, without the
    source line that Python's warnings show."""

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        problem = (message.in_language(lang) if isinstance(message, RehireModelWarning)
                   else str(message))
        _say("cli.warning", lang, problem=" ".join(problem.split()))

    return show


if __name__ == "__main__":
    sys.exit(main())
