"""Names and numbers as readers know them: audited attributes and their groups, p-values.

A schema field or a grouping reads by its label in :mod:`rehire_model.texts`; a column or
value of a company's own reads as the company wrote it. Intersections of two attributes
("gender x race_ethnicity") read as their two labels joined.

Examples
--------
>>> attribute_label("age_band", "ja"), group_value_label("age_band", "30s", "ja")
('年代', '30代')
"""

from __future__ import annotations

from .texts import has_text, text

__all__ = ["INTERSECTION", "attribute_label", "group_value_label", "p_value_text"]

#: Joins the attributes of an intersection ("gender x race_ethnicity") and its groups.
INTERSECTION = " x "


def attribute_label(attribute: str, lang: str) -> str:
    """An audited attribute as readers know it (a column of the company's own, as named).

    Examples
    --------
    >>> attribute_label("gender x race_ethnicity", "ja")
    '性別 × 人種・民族'
    """
    parts = attribute.split(INTERSECTION)
    if len(parts) > 1:
        return " × ".join(attribute_label(part, lang) for part in parts)
    for key in (f"group.{attribute}", f"field.{attribute}"):
        if has_text(key):
            return text(key, lang)
    return attribute


def group_value_label(attribute: str, group: str, lang: str) -> str:
    """A group of an attribute as readers know it (a value of the company's own, as is).

    Examples
    --------
    >>> group_value_label("gender x age_band", "female x 30s", "ja")
    '女性 × 30代'
    """
    attributes, groups = attribute.split(INTERSECTION), group.split(INTERSECTION)
    if len(attributes) > 1 and len(attributes) == len(groups):
        return " × ".join(group_value_label(a, g, lang)
                          for a, g in zip(attributes, groups, strict=True))
    for key in (f"value.{attribute}.{group}", f"group.{group}", f"shown.{group}"):
        if has_text(key):
            return text(key, lang)
    return group


def p_value_text(p: float) -> str:
    """A p-value as readers see it: three decimals, "< 0.001" below that.

    Examples
    --------
    >>> p_value_text(0.04321), p_value_text(0.00002)
    ('0.043', '< 0.001')
    """
    return "< 0.001" if p < 0.001 else f"{p:.3f}"
