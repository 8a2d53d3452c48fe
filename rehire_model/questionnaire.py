"""The exit survey: a questionnaire that collects exactly what the model reads.

:func:`questionnaire` writes the survey as an XLSForm, the open form standard that ODK
Central, KoboToolbox, Enketo and ArcGIS Survey123 read, or as a printable A4 page for
paper interviews. Every question's ``name`` is the field of the leaver record it fills
and every choice's ``name`` the code the schema reads, so an export of the answers
scores, trains and updates as it is. Beside the form goes a column map (``.toml``) for
exports headed by the questions' labels instead of their names.

The form follows the schema's structure:

- one question per field the model reads (a training config's own columns included),
  worded as the published survey asks them, in Japanese and English;
- the supervisor's behaviour items and the amicability of an interview are asked only
  when that interview was held (``relevant``);
- number ranges are ``constraint``s with a message in each language;
- answers the model needs are ``required``; a policy the leaver may not know has a
  "don't know" choice, read as a blank;
- the outcomes (alumni engagement, rehire intent) on the 1-5 scales of the training data;
- protected attributes (age, gender, marital status, children) last, optional, under a
  note that they serve fairness audits only (``protected=False`` leaves them out).

Examples
--------
>>> form = questionnaire(lang=("ja", "en"))
>>> form.survey.loc[form.survey["name"] == "sup_welcomed_return",
...                 ["type", "required"]].to_numpy().tolist()
[['select_one yes_no', 'yes']]
>>> form.settings.loc[0, "default_language"]
'Japanese (ja)'
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._toml import toml_string
from ._version import __version__
from .config import TrainingConfig, load_config
from .schema import FIELDS, FIELDS_BY_NAME, TARGETS, Field, answer_keys, field_names
from .tables import ColumnMap
from .texts import LANGS, check_lang, has_text, text
from .validation import read_value

__all__ = ["FORM_ID", "Questionnaire", "questionnaire"]

#: The form's id in the survey tools.
FORM_ID = "rehire_model_exit_survey"

#: The languages as XLSForm names them in its column headers (``label::Japanese (ja)``).
_LANGUAGE_NAMES = {"ja": "Japanese (ja)", "en": "English (en)"}

#: A choice that reads as a blank answer (a spelling of a blank the schema reads).
_DONT_KNOW = "na"

#: The survey's sections, in order: the role of the fields each holds.
_SECTIONS = (
    ("employer", ("id", "fixed")),
    ("policies", ("policy",)),
    ("sup_interview", ()),
    ("hr_interview", ()),
    ("follow_up", ("follow_up",)),
    ("outcomes", ("target",)),
    ("company", ()),
    ("about_you", ("protected",)),
)
_INTERVIEWS = {"sup_interview": "sup_interview_held", "hr_interview": "hr_interview_held"}

_FORMATS = ("xlsform", "html")

#: Survey rows that are no question.
_STRUCTURE = {"begin_group", "end_group", "note"}


def _check_format(format: str) -> None:
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(_FORMATS)}, got {format!r}")


@dataclass(frozen=True)
class Questionnaire:
    """An exit survey as the sheets of an XLSForm, with the column map of its labels.

    Attributes
    ----------
    survey : pandas.DataFrame
        The ``survey`` sheet: one row per question, group and note (``type``, ``name``,
        ``label::<language>``, ``hint::<language>``, ``required``, ``relevant``,
        ``constraint``, ``constraint_message::<language>``).
    choices : pandas.DataFrame
        The ``choices`` sheet: ``list_name``, ``name`` (the code the schema reads) and
        ``label::<language>``.
    settings : pandas.DataFrame
        The ``settings`` sheet: ``form_title``, ``form_id``, ``version``,
        ``default_language``.
    column_map : ColumnMap
        Each question's label (in every language) -> its field, a company's own question
        names -> themselves, and the choice labels the schema does not read by itself ->
        their codes: what an export needs besides the schema (see
        :func:`rehire_model.tables.read_column_map`).
    langs : tuple of str
        The form's languages, the first its default.
    """

    survey: pd.DataFrame
    choices: pd.DataFrame
    settings: pd.DataFrame
    column_map: ColumnMap
    langs: tuple[str, ...]

    @property
    def fields(self) -> list[str]:
        """The fields the survey asks, in order."""
        asked = self.survey[~self.survey["type"].isin(_STRUCTURE)]
        return asked["name"].tolist()

    def write(self, path: str | Path, *, format: str = "xlsform") -> list[Path]:
        """Write the form (``.xlsx``) or its printable page (``.html``, in the first
        language) at ``path``, and the column map beside it (``<stem>.columns.toml``).

        Returns
        -------
        list of pathlib.Path
            The files written: the form or page, then the column map.
        """
        _check_format(format)
        path = Path(path)
        if format == "xlsform":
            self._write_xlsx(path)
        else:
            path.write_text(self.to_html(), encoding="utf-8")
        map_path = path.with_name(f"{path.stem}.columns.toml")
        map_path.write_text(self.column_map_toml(map_path.name), encoding="utf-8")
        return [path, map_path]

    def _write_xlsx(self, path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for name, frame in (("survey", self.survey), ("choices", self.choices),
                            ("settings", self.settings)):
            sheet = book.create_sheet(name)
            sheet.append(list(frame.columns))
            for row in frame.itertuples(index=False):
                sheet.append([None if value == "" else value for value in row])
        book.save(path)

    def column_map_toml(self, name: str = "exit_survey.columns.toml") -> str:
        """The column map as the TOML file :func:`~rehire_model.tables.read_column_map`
        reads, saved as ``name``."""
        title = self.settings.loc[0, "form_title"]
        version = self.settings.loc[0, "version"]
        lines = [f"# Column map of the exit survey {toml_string(title)} "
                 f"(form {FORM_ID}, version {version}).",
                 "# Exports headed by the questions' labels, and choices written as labels,",
                 f"# read with it:  rehire-model score export.xlsx --columns {name} -o out.csv",
                 "", "[columns]"]
        lines += [f"{toml_string(label)} = {toml_string(name)}"
                  for label, name in self.column_map.items()]
        for name, spellings in self.column_map.spellings.items():
            lines += ["", f"[values.{name}]"]
            lines += [f"{toml_string(label)} = {toml_string(code)}"
                      for label, code in spellings.items()]
        return "\n".join(lines) + "\n"

    def to_html(self, lang: str | None = None) -> str:
        """The printable page of the survey (A4) in ``lang``, one of the form's
        languages (default: the first)."""
        lang = lang or self.langs[0]
        if lang not in self.langs:
            raise ValueError(f"the form is written in {', '.join(self.langs)}, not {lang!r}")
        return _page(self, lang)


def questionnaire(
    path: str | Path | None = None,
    *,
    lang: str | Sequence[str] = ("ja", "en"),
    config: str | Path | dict[str, Any] | TrainingConfig | None = None,
    format: str = "xlsform",
    protected: bool = True,
) -> Questionnaire:
    """The exit survey that collects what a model reads, written at ``path`` if given.

    Parameters
    ----------
    path : path, optional
        Where to write the form (``.xlsx``) or its printable page (``.html``); the column
        map goes beside it as ``<stem>.columns.toml``.
    lang : str or sequence of str, default ("ja", "en")
        The form's languages, the first its default (``"ja,en"`` is read too). The
        printable page is in the first.
    config : path, dict or TrainingConfig, optional
        A training config: the survey asks its fields and its ``[[features.extra]]``
        columns (kinds, levels, ranges). Default: every field the default config reads.
    format : {"xlsform", "html"}, default "xlsform"
        What to write at ``path``.
    protected : bool, default True
        Ask the protected attributes (optional questions, for fairness audits only).

    Returns
    -------
    Questionnaire
        The sheets of the form and the column map of its labels.

    Examples
    --------
    >>> form = questionnaire(lang="en", protected=False)
    >>> form.fields[:3]
    ['leaver_id', 'company_size', 'industry']
    >>> "age" in form.fields
    False
    """
    langs = _langs(lang)
    _check_format(format)
    asked = _asked_fields(load_config(config), protected)
    survey = pd.DataFrame(_survey_rows(asked, langs)).fillna("")
    choices = pd.DataFrame(_choice_rows(asked, langs))
    title = text("questionnaire.title", langs[0])
    settings = pd.DataFrame([{
        "form_title": title, "form_id": FORM_ID,
        "version": f"{__version__}-{_digest(survey, choices)}",
        "default_language": _LANGUAGE_NAMES[langs[0]],
    }])
    form = Questionnaire(survey, choices, settings, _column_map(asked, langs, choices), langs)
    if path is not None:
        form.write(path, format=format)
    return form


def _langs(lang: str | Sequence[str]) -> tuple[str, ...]:
    langs = tuple(lang.split(",")) if isinstance(lang, str) else tuple(lang)
    langs = tuple(check_lang(code.strip()) for code in langs)
    if not langs or len(set(langs)) != len(langs):
        raise ValueError(f"lang must name distinct languages of {', '.join(LANGS)}, "
                         f"got {lang!r}")
    return langs


def _digest(*frames: pd.DataFrame) -> str:
    """A short digest of the questions and choices: the version changes with them."""
    content = "".join(frame.to_csv(index=False) for frame in frames)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]


# --------------------------------------------------------------------------------------
# Which fields are asked, and where
# --------------------------------------------------------------------------------------


def _asked_fields(config: TrainingConfig, protected: bool) -> list[Field]:
    """The fields the survey asks: the leaver id, the config's fields (with the interview
    flags their answers need), the outcomes and the protected attributes."""
    names = {f.name for f in config.record_fields}
    names |= {FIELDS_BY_NAME[n].requires for n in names
              if n in FIELDS_BY_NAME and FIELDS_BY_NAME[n].requires}
    names |= {"leaver_id", *TARGETS}
    if protected:
        names |= set(field_names("protected"))
    else:
        names -= set(field_names("protected"))
    return [*(f for f in FIELDS if f.name in names), *config.extra]


def _section_of(field: Field) -> str:
    if field.name not in FIELDS_BY_NAME:
        return "company"
    for section, flag in _INTERVIEWS.items():
        if flag in (field.name, field.requires):
            return section
    return next(section for section, roles in _SECTIONS if field.role in roles)


def _in_sections(fields: Iterable[Field]) -> list[tuple[str, list[Field]]]:
    by_section: dict[str, list[Field]] = {}
    for f in fields:
        by_section.setdefault(_section_of(f), []).append(f)
    return [(section, by_section[section]) for section, _ in _SECTIONS
            if section in by_section]


# --------------------------------------------------------------------------------------
# The survey sheet
# --------------------------------------------------------------------------------------


def _in(column: str, lang: str) -> str:
    """An XLSForm column in a language: ``label::Japanese (ja)``."""
    return f"{column}::{_LANGUAGE_NAMES[lang]}"


def _texts(key: str, langs: Sequence[str], column: str = "label", **values: Any
           ) -> dict[str, str]:
    return {_in(column, lang): text(key, lang, **values) for lang in langs}


def _question_text(field: Field, lang: str) -> str:
    """The question of a field; a company's own column is asked by its label."""
    key = f"question.{field.name}"
    return text(key, lang) if has_text(key) else field.label(lang)


def _question_label(field: Field, langs: Sequence[str]) -> dict[str, str]:
    return {_in("label", lang): _question_text(field, lang) for lang in langs}


def _list_name(field: Field) -> str | None:
    """The choice list a field is answered from, or None for a typed answer."""
    if field.kind == "bool":
        return "yes_no_dont_know" if field.role == "policy" else "yes_no"
    if field.kind == "category" or field.levels or answer_keys(field):
        return field.name
    if field.name in TARGETS:
        return "agreement"
    return None


def _number(value: float) -> str:
    return f"{value:g}"


def _question(field: Field, langs: Sequence[str]) -> dict[str, str]:
    """One question's row."""
    row = {"name": field.name, **_question_label(field, langs)}
    if has_text(f"question_hint.{field.name}"):
        row |= _texts(f"question_hint.{field.name}", langs, "hint")
    list_name = _list_name(field)
    if list_name is not None:
        row["type"] = f"select_one {list_name}"
    elif field.kind in ("float", "int", "ordinal"):
        whole = field.kind != "float"
        row["type"] = "integer" if whole else "decimal"
        low, high = _number(field.low), _number(field.high)
        row["constraint"] = f". >= {low} and . <= {high}"
        row |= _texts("questionnaire.whole_range" if whole else "questionnaire.range",
                      langs, "constraint_message", low=low, high=high)
    else:
        row["type"] = "text"
    row["required"] = "" if field.role in ("protected", "id") else "yes"
    return row


def _group(name: str, langs: Sequence[str], *, label: bool = True,
           relevant: str = "") -> dict[str, str]:
    row = {"type": "begin_group", "name": name, "relevant": relevant}
    if label:
        row |= _texts(f"questionnaire.group.{name}", langs)
    return row


def _survey_rows(fields: Sequence[Field], langs: Sequence[str]) -> list[dict[str, str]]:
    rows = [{"type": "note", "name": "intro", **_texts("questionnaire.intro", langs)}]
    for section, members in _in_sections(fields):
        rows.append(_group(section, langs))
        if section == "about_you":
            rows.append({"type": "note", "name": "consent",
                         **_texts("questionnaire.consent", langs)})
        flag = _INTERVIEWS.get(section)
        asked = [f for f in members if f.requires is None]
        answers = [f for f in members if f.requires is not None]
        rows += [_question(f, langs) for f in asked]
        if answers:
            rows.append(_group(f"{section}_answers", langs, label=False,
                               relevant=f"${{{flag}}} = 'yes'"))
            rows += [_question(f, langs) for f in answers]
            rows.append({"type": "end_group", "name": f"{section}_answers"})
        rows.append({"type": "end_group", "name": section})
    return rows


# --------------------------------------------------------------------------------------
# The choices sheet
# --------------------------------------------------------------------------------------


def _same_texts(label: str, langs: Sequence[str]) -> dict[str, str]:
    return {_in("label", lang): label for lang in langs}


def _choices_of(field: Field, langs: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    """(choice name, labels) of a field's own choice list."""
    if field.kind == "category":
        return [(code, _texts(f"value.{field.name}.{code}", langs)
                 if has_text(f"value.{field.name}.{code}") else _same_texts(code, langs))
                for code in field.categories]
    if field.levels:
        return [(str(level), _same_texts(label, langs))
                for level, label in enumerate(field.levels, 1)]
    return [(str(level), _texts(key, langs)) for level, key in answer_keys(field)]


def _choice_rows(fields: Sequence[Field], langs: Sequence[str]) -> list[dict[str, str]]:
    yes_no = [("yes", _texts("shown.yes", langs)), ("no", _texts("shown.no", langs))]
    agreement = [(str(level), _texts(key, langs))
                 for level, key in answer_keys(FIELDS_BY_NAME["rehire_intent"])]
    lists: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for field in fields:
        name = _list_name(field)
        if name is None or name in lists:
            continue
        if name == "yes_no":
            lists[name] = yes_no
        elif name == "yes_no_dont_know":
            lists[name] = [*yes_no, (_DONT_KNOW, _texts("questionnaire.dont_know", langs))]
        elif name == "agreement":
            lists[name] = agreement
        else:
            lists[name] = _choices_of(field, langs)
            if field.name == "gender":
                lists[name] = [(code, _texts("questionnaire.prefer_not_to_say", langs)
                                if code == "unknown" else labels)
                               for code, labels in lists[name]]
    return [{"list_name": name, "name": code, **labels}
            for name, choices in lists.items() for code, labels in choices]


# --------------------------------------------------------------------------------------
# The column map for exports headed by labels
# --------------------------------------------------------------------------------------


def _reads_as(field: Field, label: str, code: str) -> bool:
    """Whether the schema reads ``label`` as the choice ``code`` by itself."""
    try:
        return read_value(field, label) == read_value(field, code)
    except ValueError:
        return False


def _column_map(fields: Sequence[Field], langs: Sequence[str], choices: pd.DataFrame
                ) -> ColumnMap:
    columns: dict[str, str] = {}
    spellings: dict[str, dict[str, str]] = {}
    for field in fields:
        if field.name not in FIELDS_BY_NAME:  # a company's own: read under its groups too
            columns[field.name] = field.name
        for lang in langs:
            columns.setdefault(_question_text(field, lang), field.name)
        list_name = _list_name(field)
        if list_name is None:
            continue
        own = choices[choices["list_name"] == list_name]
        for row in own.to_dict("records"):
            code = "" if row["name"] == _DONT_KNOW else row["name"]
            for lang in langs:
                label = row[_in("label", lang)]
                if not _reads_as(field, label, code):
                    spellings.setdefault(field.name, {})[label] = code
    return ColumnMap(columns, spellings)


# --------------------------------------------------------------------------------------
# The printable page
# --------------------------------------------------------------------------------------

_PAGE_STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic",
       "Meiryo", sans-serif; font-size: 10.5pt; line-height: 1.55; color: #111;
       max-width: 178mm; margin: 0 auto; }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; border-bottom: 1.5pt solid #333; margin: 7mm 0 3mm;
     padding-bottom: 1mm; break-after: avoid; }
p.note { margin: 0 0 4mm; }
p.consent { border: 1pt solid #777; padding: 2mm 3mm; }
div.q { margin: 0 0 4.5mm; break-inside: avoid; }
div.q p { margin: 0; }
span.n { font-weight: bold; margin-right: 2mm; }
p.hint, p.how, p.only { font-size: 9pt; color: #444; }
p.only { font-style: normal; border-left: 2pt solid #999; padding-left: 2mm; }
ul.choices { list-style: none; margin: 1.5mm 0 0; padding: 0; display: flex;
             flex-wrap: wrap; gap: 1mm 7mm; }
ul.choices li::before { content: "\\25A1"; margin-right: 1.5mm; font-size: 11pt; }
div.box { border: 1pt solid #555; height: 8mm; width: 45mm; margin-top: 1.5mm; }
div.box.text { width: 100%; }
p.thanks { margin-top: 8mm; text-align: center; }
"""

_REFERENCE = re.compile(r"\$\{(\w+)\}")


def _label(row: dict[str, Any], lang: str) -> str:
    return str(row.get(_in("label", lang)) or "")


def _page(form: Questionnaire, lang: str) -> str:
    """The survey as an A4 page: sections, numbered questions, boxes to tick or fill."""
    rows = form.survey.to_dict("records")
    numbers = _question_numbers(rows)
    title = text("questionnaire.title", lang)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for position, row in enumerate(rows):
        kind = row["type"]
        if kind == "begin_group" and _label(row, lang):
            parts.append(f"<h2>{html.escape(_label(row, lang))}</h2>")
        if kind == "begin_group" and row["relevant"]:
            condition = _condition(rows, position, numbers, lang)
            parts.append(f'<p class="only">{html.escape(condition)}</p>')
        elif kind == "note":
            style = "note consent" if row["name"] == "consent" else "note"
            parts.append(f'<p class="{style}">{html.escape(_label(row, lang))}</p>')
            if row["name"] == "intro":
                how = text("questionnaire.page.choose_one", lang)
                parts.append(f'<p class="how">{html.escape(how)}</p>')
        elif kind not in _STRUCTURE:
            parts.append(_question_html(form, row, numbers[row["name"]], lang))
    parts.append(f'<p class="thanks">{html.escape(text("questionnaire.page.thanks", lang))}'
                 "</p>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def _question_numbers(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    questions = [row["name"] for row in rows if row["type"] not in _STRUCTURE]
    return {name: n for n, name in enumerate(questions, 1)}


def _condition(rows: Sequence[dict[str, Any]], position: int, numbers: dict[str, int],
               lang: str) -> str:
    """The instruction for the questions of the group opened at ``position``: answered
    only after a "yes" to the question its ``relevant`` rule names."""
    depth, inside = 0, []
    for row in rows[position:]:
        depth += {"begin_group": 1, "end_group": -1}.get(row["type"], 0)
        if depth == 0:
            break
        if row["type"] not in _STRUCTURE:
            inside.append(numbers[row["name"]])
    asked = text("questionnaire.page.question", lang, n=inside[0])
    if len(inside) > 1:
        asked = text("questionnaire.page.questions", lang, first=inside[0], last=inside[-1])
    flag = _REFERENCE.search(rows[position]["relevant"]).group(1)
    return text("questionnaire.page.only_if", lang, questions=asked,
                question=text("questionnaire.page.question", lang, n=numbers[flag]))


def _question_html(form: Questionnaire, row: dict[str, Any], n: int, lang: str) -> str:
    parts = [f'<div class="q"><p><span class="n">'
             f'{html.escape(text("questionnaire.page.question", lang, n=n))}</span>'
             f"{html.escape(_label(row, lang))}"]
    if not row["required"]:
        parts.append(html.escape(text("questionnaire.page.optional", lang)))
    parts.append("</p>")
    hint = row.get(_in("hint", lang))
    if hint:
        parts.append(f'<p class="hint">{html.escape(hint)}</p>')
    kind = row["type"]
    if kind.startswith("select_one "):
        choices = form.choices[form.choices["list_name"] == kind.split(" ", 1)[1]]
        items = "".join(f"<li>{html.escape(_label(choice, lang))}</li>"
                        for choice in choices.to_dict("records"))
        parts.append(f'<ul class="choices">{items}</ul>')
    elif kind in ("integer", "decimal"):
        how = row.get(_in("constraint_message", lang)) or text(
            "questionnaire.page.write_number", lang)
        parts.append(f'<p class="how">{html.escape(how)}</p><div class="box"></div>')
    else:
        parts.append('<div class="box text"></div>')
    parts.append("</div>")
    return "".join(parts)
