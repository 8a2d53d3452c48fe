"""Every word HR staff read, in English and Japanese: labels, values, sentences.

One table, :data:`TEXTS`, holds each text by key in both languages, so that a
translator or a reviewer edits this one file. Keys are grouped by their first part:

- ``field.<name>``: the label of a leaver-record field (survey terms in Japanese);
- ``value.<field>.<category>``: the label of a category value (industry, job level, ...);
- ``construct.<name>``, ``interview.<name>``: reasons that group several fields;
- ``target.<name>``, ``lever.<name>``, ``segment.<name>``, ``metric.<name>``,
  ``group.<value>``: outcomes, lever tags, segments, metrics and audit groups;
- ``action.<key>``: the supervisor's checklist items;
- ``shown.*``, ``reason.*``, ``coach.*``: how a person's value, reason and checklist
  item read;
- ``report.*``, ``card.*``, ``chart.*``, ``table.*``: the trust report and model card;
- ``cli.*``: what the ``rehire-model`` command prints;
- ``answer.*``: the labels of answer scales, read as answers (with
  :data:`ANSWER_SPELLINGS`, the other spellings of yes and no read);
- ``problem.*``, ``input.*``, ``warning.*``: what is wrong with records, files and
  data, as errors, rejects and warnings say it;
- ``output.*``: the headers and labels of output tables read by people;
- ``question.<field>``, ``question_hint.<field>``, ``questionnaire.*``: the exit survey
  as the leaver reads it (the XLSForm and its printable page).

A text may hold ``{name}`` fields, filled by :func:`text`.

Examples
--------
>>> text("segment.boomerang_candidate", "ja")
'再入社候補'
>>> text("reason.raises", "en", tag="Policy", label="Comeback program", value="yes",
...      outcome="rehire intent", size="3.1")
'[Policy] Comeback program: yes — raises rehire intent by 3.1 pt'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANSWER_SPELLINGS", "LANGS", "TEXTS", "Message", "check_lang", "has_text", "message",
           "text"]

LANGS = ("en", "ja")

_FIELDS = {
    "leaver_id": ("Leaver ID", "退職者ID"),
    "company_size": ("Company size (employees)", "企業規模（従業員数）"),
    "industry": ("Industry", "業種"),
    "job_level": ("Job level", "役職"),
    "tenure_years": ("Tenure at the former employer (years)", "前職での勤続年数（年）"),
    "years_since_exit": ("Years since leaving", "退職後の経過年数（年）"),
    "age": ("Age", "年齢"),
    "gender": ("Gender", "性別"),
    "married": ("Married", "既婚"),
    "has_children": ("Has children", "子どもがいる"),
    "policy_comeback_program": ("Comeback program (official rehire route)",
                                "カムバック制度（出戻り制度）"),
    "policy_alumni_perks": ("Alumni perks (leaver discounts or service benefits)",
                            "退職者向けの割引やサービス優待"),
    "policy_alumni_community": ("Alumni community",
                                "退職者コミュニティ（アルムナイ・コミュニティ）"),
    "policy_alumni_events": ("Alumni events", "交流イベント"),
    "informal_rehire_custom": ("Informal rehire by custom (no program)",
                               "インフォーマルな再入社（慣例）"),
    "sup_interview_held": ("Exit interview by the supervisor held", "上司の退職面談の実施"),
    "sup_interview_amicability": ("How amicable the supervisor's exit interview was",
                                  "上司の退職面談の円満具合"),
    "hr_interview_held": ("Exit interview by HR held", "人事の退職面談の実施"),
    "hr_interview_amicability": ("How amicable the HR exit interview was",
                                 "人事の退職面談の円満具合"),
    "sup_understood_reason": ("Supervisor understood the reason for leaving",
                              "上司が退職理由を理解した"),
    "sup_respected_timing": ("Supervisor respected the leaving date the leaver wanted",
                             "上司が希望する退職のタイミングを尊重した"),
    "sup_listened_to_end": ("Supervisor listened to the end", "上司が最後まで話を聞いた"),
    "sup_listened_carefully": ("Supervisor listened carefully", "上司が丁寧に話を聞いた"),
    "sup_heard_dissatisfaction": ("Leaver could voice dissatisfaction to the supervisor",
                                  "上司に不満を伝えられた"),
    "sup_answered_questions": ("Leaver could ask the supervisor the questions they had",
                               "上司に聞きたかったことを質問できた"),
    "sup_welcomed_return": ("Supervisor said the leaver would be welcome back",
                            "戻ってきても歓迎する意思を示した"),
    "invited_to_alumni_community": ("Invited to join the alumni community",
                                    "退職者コミュニティへの参加呼びかけ"),
    "informed_of_rehire_route": ("Told how to come back (rehire program explained)",
                                 "再入社制度内容伝達"),
    "alumni_engagement": ("Alumni engagement", "アルムナイ意識"),
    "rehire_intent": ("Rehire intent", "再入社意向"),
}

_VALUES = {
    "company_size": {
        "10-99": ("10-99 employees", "10〜99人"),
        "100-999": ("100-999 employees", "100〜999人"),
        "1000-4999": ("1,000-4,999 employees", "1,000〜4,999人"),
        "5000+": ("5,000 employees or more", "5,000人以上"),
    },
    "industry": {
        "manufacturing": ("Manufacturing", "製造業"),
        "construction_real_estate": ("Construction and real estate", "建設・不動産業"),
        "it_telecom": ("IT and telecommunications", "情報通信業"),
        "wholesale_retail": ("Wholesale and retail", "卸売・小売業"),
        "finance_insurance": ("Finance and insurance", "金融・保険業"),
        "transport_logistics": ("Transport and logistics", "運輸・物流業"),
        "healthcare_welfare": ("Healthcare and welfare", "医療・福祉"),
        "services": ("Services", "サービス業"),
        "other": ("Other", "その他"),
    },
    "job_level": {
        "staff": ("Staff", "一般社員"),
        "supervisor": ("Supervisor (team lead)", "監督職（係長・主任クラス）"),
        "manager": ("Manager", "管理職"),
    },
    "gender": {
        "female": ("Female", "女性"),
        "male": ("Male", "男性"),
        "other": ("Other", "その他"),
        "unknown": ("Unknown", "不明"),
    },
}

#: The answers of each scale, from level 1 up, as (English, Japanese).
_SCALES = {
    "amicability": (
        ("Not amicable", "円満ではなかった"),
        ("Not very amicable", "あまり円満ではなかった"),
        ("Neutral", "どちらともいえない"),
        ("Fairly amicable", "やや円満だった"),
        ("Very amicable", "とても円満だった"),
    ),
    "agreement": (
        ("Strongly disagree", "そう思わない"),
        ("Disagree", "あまりそう思わない"),
        ("Neither agree nor disagree", "どちらともいえない"),
        ("Agree", "ややそう思う"),
        ("Strongly agree", "そう思う"),
    ),
}

#: The scale each Likert field is answered on; its answers are ``answer.<field>.<level>``.
_SCALE_OF = {
    "sup_interview_amicability": "amicability",
    "hr_interview_amicability": "amicability",
    "rehire_intent": "agreement",
}

#: The exit survey's question for each field, as the leaver reads it, and a hint where
#: the answer needs one: (English, Japanese) each. Wording follows the published survey.
_QUESTIONS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "leaver_id": (
        ("Your employee number", "社員番号"),
        ("HR uses it only to link this answer to what happens later. Leave it blank to "
         "answer anonymously.",
         "人事部が、この回答とその後の状況を結びつけるためだけに使います。匿名で回答する"
         "場合は空欄のままにしてください。")),
    "company_size": (("How many employees does the company you left have?",
                      "退職した会社の従業員数を教えてください。"), None),
    "industry": (("Which industry is the company you left in?",
                  "退職した会社の業種を教えてください。"), None),
    "job_level": (("What was your job level when you left?",
                   "退職時のあなたの役職を教えてください。"), None),
    "tenure_years": (
        ("How many years did you work at the company?",
         "退職した会社での勤続年数を教えてください。"),
        ("In years; decimals are fine (1.5 for a year and a half).",
         "年数で記入してください。小数も使えます（1年半なら1.5）。")),
    "years_since_exit": (
        ("How many years ago did you leave the company?",
         "退職してから何年たちましたか。"),
        ("0 if you are leaving now.", "退職したばかりの場合は0と記入してください。")),
    "policy_comeback_program": (
        ("Does the company have a comeback program (an official route back for former "
         "employees)?",
         "退職した会社には、カムバック制度（出戻り制度）がありますか。"), None),
    "policy_alumni_perks": (
        ("Does the company offer perks to former employees, such as leaver discounts or "
         "service benefits?",
         "退職した会社には、退職者向けの割引やサービス優待がありますか。"), None),
    "policy_alumni_community": (
        ("Does the company have an alumni community for former employees?",
         "退職した会社には、退職者コミュニティ（アルムナイ・コミュニティ）がありますか。"),
        None),
    "policy_alumni_events": (
        ("Does the company hold events for former employees?",
         "退職した会社には、退職者との交流イベントがありますか。"), None),
    "informal_rehire_custom": (
        ("Without a program, does the company rehire former employees by custom?",
         "制度がなくても、慣例として退職者が再入社することはありますか。"), None),
    "sup_interview_held": (
        ("Did your supervisor hold an exit interview with you?",
         "退職にあたり、上司との面談（退職面談）はありましたか。"), None),
    "sup_interview_amicability": (
        ("How amicable was the exit interview with your supervisor?",
         "上司との退職面談は、どのくらい円満でしたか。"), None),
    "sup_understood_reason": (
        ("In the interview, did your supervisor understand your reason for leaving?",
         "面談で、上司はあなたの退職理由を理解してくれましたか。"), None),
    "sup_respected_timing": (
        ("Did your supervisor respect the leaving date you wanted?",
         "上司は、あなたが希望する退職のタイミングを尊重してくれましたか。"), None),
    "sup_listened_to_end": (
        ("Did your supervisor listen to you to the end?",
         "上司は、あなたの話を最後まで聞いてくれましたか。"), None),
    "sup_listened_carefully": (
        ("Did your supervisor listen to you carefully?",
         "上司は、あなたの話を丁寧に聞いてくれましたか。"), None),
    "sup_heard_dissatisfaction": (
        ("Could you tell your supervisor what you were dissatisfied with?",
         "上司に不満を伝えることができましたか。"), None),
    "sup_answered_questions": (
        ("Could you ask your supervisor the questions you wanted to ask?",
         "上司に、聞きたかったことを質問できましたか。"), None),
    "sup_welcomed_return": (
        ("Did your supervisor say you would be welcome if you came back?",
         "上司は、戻ってきても歓迎するという意思を示してくれましたか。"), None),
    "hr_interview_held": (
        ("Did HR hold an exit interview with you?",
         "退職にあたり、人事担当者との面談（退職面談）はありましたか。"), None),
    "hr_interview_amicability": (
        ("How amicable was the exit interview with HR?",
         "人事担当者との退職面談は、どのくらい円満でしたか。"), None),
    "invited_to_alumni_community": (
        ("When you left, were you invited to join the alumni community?",
         "退職時に、退職者コミュニティへの参加を呼びかけられましたか。"), None),
    "informed_of_rehire_route": (
        ("When you left, were you told how you could come back (the rehire program)?",
         "退職時に、再入社制度の内容について説明を受けましたか。"), None),
    "alumni_engagement": (
        ("I feel attached to the company I left and want to stay connected with it.",
         "退職した会社に愛着があり、今後もつながりを持ち続けたいと思う。"), None),
    "rehire_intent": (
        ("I would consider working for the company again.",
         "機会があれば、退職した会社でもう一度働きたいと思う。"), None),
    "age": (("How old are you?", "年齢を教えてください。"), None),
    "gender": (("What is your gender?", "性別を教えてください。"), None),
    "married": (("Are you married?", "結婚していますか。"), None),
    "has_children": (("Do you have children?", "お子さんはいますか。"), None),
}

#: Spellings of yes and no read besides the ``shown.yes`` and ``shown.no`` texts, and of
#: an interview held or not besides ``shown.held`` and ``shown.not_held`` (interview flags
#: only). Opposite answers sit at the same position: messages show them as pairs.
ANSWER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "yes": ("true", "1", "y", "t", "あり", "有", "有り", "する", "○", "◯", "〇", "⭕"),
    "no": ("false", "0", "n", "f", "なし", "無", "無し", "しない", "×", "✕", "✗", "✖"),
    "held": ("実施済み", "実施した"),
    "not_held": ("未実施", "実施しなかった"),
}

TEXTS: dict[str, dict[str, str]] = {
    **{f"field.{name}": {"en": en, "ja": ja} for name, (en, ja) in _FIELDS.items()},
    **{f"value.{field}.{value}": {"en": en, "ja": ja}
       for field, values in _VALUES.items() for value, (en, ja) in values.items()},
    # --- reading answers ---------------------------------------------------------------
    **{f"answer.{field}.{level}": {"en": en, "ja": ja}
       for field, scale in _SCALE_OF.items()
       for level, (en, ja) in enumerate(_SCALES[scale], 1)},
    # --- the exit survey ---------------------------------------------------------------
    **{f"question.{name}": {"en": en, "ja": ja}
       for name, ((en, ja), _) in _QUESTIONS.items()},
    **{f"question_hint.{name}": {"en": en, "ja": ja}
       for name, (_, hint) in _QUESTIONS.items() if hint for en, ja in [hint]},
    "questionnaire.title": {"en": "Exit survey", "ja": "退職者アンケート"},
    "questionnaire.intro": {
        "en": "Thank you for your time at the company. This survey asks about the company "
              "you left and how your leaving went; it takes about five minutes. Your "
              "answers help the company stay in touch with former employees.",
        "ja": "在籍中はありがとうございました。このアンケートでは、退職した会社と退職時の"
              "様子についてお聞きします。回答には5分ほどかかります。回答は、会社が退職者との"
              "つながりを保つために役立てます。"},
    "questionnaire.group.employer": {"en": "The company you left", "ja": "退職した会社について"},
    "questionnaire.group.policies": {"en": "The company's measures for former employees",
                                     "ja": "退職者に向けた会社の制度"},
    "questionnaire.group.sup_interview": {"en": "The exit interview with your supervisor",
                                          "ja": "上司との退職面談"},
    "questionnaire.group.hr_interview": {"en": "The exit interview with HR",
                                         "ja": "人事担当者との退職面談"},
    "questionnaire.group.follow_up": {"en": "When you left", "ja": "退職時の案内"},
    "questionnaire.group.outcomes": {"en": "How you feel now", "ja": "現在のお気持ち"},
    "questionnaire.group.company": {"en": "More about your work", "ja": "お仕事について"},
    "questionnaire.group.about_you": {"en": "About you (optional)",
                                      "ja": "あなたご自身について（任意）"},
    "questionnaire.consent": {
        "en": "The questions in this part are optional; skip any you prefer not to answer. "
              "Your answers are used only to check that the company's scores treat groups of "
              "people fairly (fairness audits). They are never used to score you.",
        "ja": "この部分の質問への回答は任意です。答えたくない質問は飛ばしてください。回答は、"
              "会社のスコアが人のグループによって不公平になっていないかを確かめる監査（公平性の"
              "監査）にのみ使い、あなたのスコアの計算には使いません。"},
    "questionnaire.range": {"en": "Enter a number from {low} to {high}.",
                            "ja": "{low}〜{high}の数値を入力してください。"},
    "questionnaire.whole_range": {"en": "Enter a whole number from {low} to {high}.",
                                  "ja": "{low}〜{high}の整数を入力してください。"},
    "questionnaire.dont_know": {"en": "Don't know", "ja": "わからない"},
    "questionnaire.prefer_not_to_say": {"en": "Prefer not to say", "ja": "回答しない"},
    "questionnaire.page.question": {"en": "Q{n}", "ja": "問{n}"},
    "questionnaire.page.questions": {"en": "Q{first}-Q{last}", "ja": "問{first}〜問{last}"},
    "questionnaire.page.only_if": {
        "en": "Answer {questions} only if you answered \u201cyes\u201d to {question}.",
        "ja": "{questions}は、{question}で「はい」と答えた方のみお答えください。"},
    "questionnaire.page.choose_one": {
        "en": "For each question with choices, tick the one answer that fits best.",
        "ja": "選択肢のある質問では、あてはまるものを1つ選んで□に印をつけてください。"},
    "questionnaire.page.write_number": {"en": "Write a number.", "ja": "数字で記入してください。"},
    "questionnaire.page.optional": {"en": "(optional)", "ja": "（任意）"},
    "questionnaire.page.thanks": {"en": "Thank you for your answers.",
                                  "ja": "ご回答ありがとうございました。"},
    # --- problems with records ---------------------------------------------------------
    "problem.value.text": {"en": "'{text}'", "ja": "「{text}」"},
    "problem.value.plain": {"en": "{text}", "ja": "「{text}」"},
    "problem.value.none": {"en": "None", "ja": "空欄"},
    "problem.value.empty": {"en": "''", "ja": "空欄"},
    "problem.value.blank": {"en": "NA", "ja": "空欄"},
    "problem.value.true": {"en": "True", "ja": "「はい」"},
    "problem.value.false": {"en": "False", "ja": "「いいえ」"},
    "problem.separator": {"en": ", ", "ja": "、"},
    "problem.parts_separator": {"en": "; ", "ja": "。"},
    "problem.etc": {"en": "...", "ja": "…"},
    "problem.choice": {"en": "{choice}", "ja": "「{choice}」"},
    "problem.pair": {"en": "{yes}/{no}", "ja": "{yes}／{no}"},
    "problem.level_answer": {"en": "{level}: {answer}", "ja": "{level}：{answer}"},
    "problem.expect.one_of": {"en": "one of {choices}", "ja": "{choices}のいずれか"},
    "problem.expect.levels": {"en": "one of the levels {levels} (in this order)",
                              "ja": "選択肢{levels}のいずれか（この順）"},
    "problem.expect.yes_no": {"en": "true or false (also accepted: {also})",
                              "ja": "はい／いいえ（{also} も可）"},
    "problem.expect.number": {"en": "a number from {low} to {high}",
                              "ja": "{low}〜{high}の数値"},
    "problem.expect.whole": {"en": "a whole number from {low} to {high}",
                             "ja": "{low}〜{high}の整数"},
    "problem.expect.answer": {"en": "a whole number from {low} to {high} or its answer "
                                    "({answers})",
                              "ja": "{low}〜{high}の整数、またはその回答（{answers}）"},
    "problem.unrecognised": {"en": "column '{column}' has {value}; expected {expected}",
                             "ja": "列「{column}」の値{value}は読み取れません。{expected}を"
                                   "入力してください"},
    "problem.undeclared": {
        "en": "column '{column}' has {value}, which is not declared for this column; "
              "expected {expected}. A new value must be added to this column's "
              "[[features.extra]] entry of the training config and the model retrained",
        "ja": "列「{column}」の値{value}は、この列の値として登録されていません。{expected}を"
              "入力してください。新しい値を使うには、学習設定のこの列の項目"
              "（[[features.extra]]）に追加して、モデルを学習し直す必要があります"},
    "problem.not_whole": {
        "en": "column '{column}' has {value}, which is not a whole number; expected {expected}",
        "ja": "列「{column}」の値{value}は整数ではありません。{expected}を入力してください"},
    "problem.out_of_range": {
        "en": "column '{column}' has {value}, which is out of range; expected {expected}",
        "ja": "列「{column}」の値{value}は範囲外です。{expected}を入力してください"},
    "problem.answer_mismatch": {
        "en": "column '{column}' has {value}, whose number {number} does not match its "
              "answer (that answer is {level}); expected {expected}",
        "ja": "列「{column}」の値{value}は、番号{number}と回答（回答の番号は{level}）が一致"
              "しません。{expected}を入力してください"},
    "problem.missing_target": {
        "en": "column '{column}' is empty ({value}) but a value is required (training needs "
              "every answer of a target); expected {expected}",
        "ja": "列「{column}」に回答がありません（{value}）。学習には目的変数のすべての回答が"
              "必要です。{expected}を入力してください"},
    "problem.missing_rejected": {
        "en": "column '{column}' is empty ({value}) but a value is required (unanswered "
              "fields are rejected: missing='reject'); expected {expected}",
        "ja": "列「{column}」に回答がありません（{value}）。未回答を認めない設定"
              "（missing = \"reject\"）のため、回答が必要です。{expected}を入力してください"},
    "problem.without_interview": {
        "en": "column '{column}' has {value}, reported without {interview}: {flag} is false; "
              "leave it empty (NA)",
        "ja": "列「{column}」に値{value}がありますが、{interview}は実施されていません"
              "（列「{flag}」が「いいえ」）。空欄にしてください"},
    "problem.missing_with_interview": {
        "en": "column '{column}' is empty ({value}) although {interview} was held ({flag} is "
              "true; unanswered fields are rejected: missing='reject'); expected {expected}, "
              "or set {flag} to false",
        "ja": "列「{column}」に回答がありません（{value}）が、{interview}は実施されています"
              "（列「{flag}」が「はい」）。未回答を認めない設定（missing = \"reject\"）のため、"
              "{expected}を入力するか、列「{flag}」を「いいえ」にしてください"},
    "problem.interview.supervisor": {"en": "a supervisor exit interview", "ja": "上司の退職面談"},
    "problem.interview.hr": {"en": "an HR exit interview", "ja": "人事の退職面談"},
    "problem.interview.other": {"en": "the interview in '{flag}'", "ja": "列「{flag}」の面談"},
    "problem.too_many_blanks": {
        "en": "{skipped} of the {used} fields in use are unanswered ({names}), more than "
              "max_missing {max_missing} allows; too little is known to score this record: "
              "fill in some of these answers",
        "ja": "使用する{used}項目のうち{skipped}項目が未回答です（{names}）。未回答の上限"
              "（max_missing = {max_missing}）を超えていて、スコアを出すには情報が足りません。"
              "いくつかの回答を埋めてください"},
    "problem.cannot_be": {"en": "'{name}' cannot be {value}; expected {expected}",
                          "ja": "「{name}」に値{value}は使えません。{expected}を入力してください"},
    "problem.records": {
        "en": "{problems} in {bad} of {records}:\n{lines}{more}\nFix these values, or use "
              "errors='report' to keep only the valid rows.",
        "ja": "退職者の記録{records}のうち{bad}件に、問題が{problems}あります（行は0から数えた"
              "位置）：\n{lines}{more}\n値を修正してください。問題のない行だけを残すことも"
              "できます（errors = \"report\"）。"},
    "problem.count_one": {"en": "{n} problem", "ja": "{n}件"},
    "problem.count_many": {"en": "{n} problems", "ja": "{n}件"},
    "problem.records_one": {"en": "{n} leaver record", "ja": "{n}件"},
    "problem.records_many": {"en": "{n} leaver records", "ja": "{n}件"},
    "problem.line": {"en": "  {row}: {problem}", "ja": "  {row}：{problem}"},
    "problem.row": {"en": "row {row}", "ja": "行 {row}"},
    "problem.row_details": {"en": "row {row} ({details})", "ja": "行 {row}（{details}）"},
    "problem.index": {"en": "index {label}", "ja": "インデックス{label}"},
    "problem.leaver_id": {"en": "leaver_id {leaver_id}", "ja": "退職者ID{leaver_id}"},
    "problem.more": {
        "en": "\n  ... and {n} more; the full list is in the .problems attribute of this error",
        "ja": "\n  …ほか{n}件（すべての問題はエラーの一覧にあります）"},
    "problem.columns": {"en": "leaver records have {parts}",
                        "ja": "退職者の記録の列に問題があります。{parts}"},
    "problem.missing_column": {"en": "missing required column: {names} ({advice})",
                               "ja": "必須の列がありません：{names}。{advice}"},
    "problem.missing_columns": {"en": "missing required columns: {names} ({advice})",
                                "ja": "必須の列がありません：{names}。{advice}"},
    "problem.add_column": {"en": "add the column or map your header to it",
                           "ja": "列を追加するか、見出しをこの列に対応づけてください"},
    "problem.near_label": {
        "en": "the table has '{header}', close to its label '{target}': correct the header "
              "or map it with --columns",
        "ja": "表の列「{header}」がこの列の名前「{target}」に似ています。見出しを直すか、"
              "--columns で対応づけてください"},
    "problem.near_name": {
        "en": "the table has '{header}', close to its name '{target}': correct the header or "
              "map it with --columns",
        "ja": "表の列「{header}」が列名「{target}」に似ています。見出しを直すか、--columns で"
              "対応づけてください"},
    "problem.near_key": {"en": "the record has the key '{header}': did you mean {target}?",
                         "ja": "記録のキー「{header}」は「{target}」の誤りではありませんか"},
    "problem.hint_for": {"en": "{name}: {hint}", "ja": "{name}：{hint}"},
    "problem.repeated_column": {"en": "repeated column: {names} (keep only one of each)",
                                "ja": "同じ列が複数あります：{names}（それぞれ1つだけ残して"
                                      "ください）"},
    "problem.repeated_columns": {"en": "repeated columns: {names} (keep only one of each)",
                                 "ja": "同じ列が複数あります：{names}（それぞれ1つだけ残して"
                                       "ください）"},
    "problem.column_missing": {"en": "required column is missing; {advice}",
                               "ja": "必須の列がありません。{advice}"},
    "problem.column_repeated": {"en": "column appears more than once; keep only one",
                                "ja": "同じ列が複数あります。1つだけ残してください"},
    "problem.header.none": {
        "en": "no column of the table is a field (the headers are {shown}); name the columns "
              "as the fields, or map your headers to them with --columns",
        "ja": "表のどの列も項目に対応していません（見出し：{shown}）。列名を項目名にするか、"
              "--columns で見出しを対応づけてください"},
    # --- reasons that group fields ---------------------------------------------------
    "construct.respect": {"en": "Respect for the decision", "ja": "退職意思の尊重"},
    "construct.drawing_out": {"en": "Drawing out feelings", "ja": "想いの引き出し"},
    "construct.welcome": {"en": "Welcome signal", "ja": "歓迎の意思表示"},
    "interview.sup_interview": {"en": "Supervisor's exit interview", "ja": "上司の退職面談"},
    "interview.hr_interview": {"en": "HR exit interview", "ja": "人事の退職面談"},
    # --- outcomes, levers, segments ----------------------------------------------------
    "target.alumni_engagement": {"en": "alumni engagement", "ja": "アルムナイ意識"},
    "target.rehire_intent": {"en": "rehire intent", "ja": "再入社意向"},
    "lever.policy": {"en": "Policy", "ja": "施策"},
    "lever.exit_interview": {"en": "Exit interview", "ja": "退職面談"},
    "lever.fixed": {"en": "Fact", "ja": "事実"},
    "segment.boomerang_candidate": {"en": "Boomerang candidate", "ja": "再入社候補"},
    "segment.ambassador": {"en": "Ambassador (engaged, not returning)",
                           "ja": "応援者（関係は続くが再入社は見込みにくい）"},
    "segment.latent_returner": {"en": "Latent returner (would return, little attached)",
                                "ja": "潜在的な再入社候補（関係は薄いが再入社の可能性あり）"},
    "segment.detached": {"en": "Detached", "ja": "関係が途切れがちな層"},
    # --- metrics, with a one-line meaning ----------------------------------------------
    "metric.roc_auc": {"en": "ROC AUC (how well people are ranked; 0.5 = chance, 1 = perfect)",
                       "ja": "ROC AUC（順位付けの正確さ。0.5は偶然、1は完全）"},
    "metric.average_precision": {
        "en": "Average precision (how well the highest scores find the positives)",
        "ja": "平均適合率（上位の予測が実際に該当する度合い）"},
    "metric.brier": {"en": "Brier score (error of the probabilities; lower is better)",
                     "ja": "ブライアスコア（確率の誤差。小さいほど良い）"},
    "metric.ece": {"en": "ECE (calibration error: predicted vs actual rates; lower is better)",
                   "ja": "ECE（較正誤差：予測した割合と実際の割合の差。小さいほど良い）"},
    "metric.n": {"en": "People", "ja": "人数"},
    "metric.positive_rate": {"en": "Actual rate", "ja": "実際の該当率"},
    "metric.selection_rate": {"en": "Selected (at or above the threshold)",
                              "ja": "選定率（閾値以上の割合）"},
    "metric.true_positive_rate": {"en": "True positive rate (positives found)",
                                  "ja": "真陽性率（該当者を捉えた割合）"},
    "metric.false_positive_rate": {"en": "False positive rate (non-positives selected)",
                                   "ja": "偽陽性率（非該当者を選んだ割合）"},
    "metric.auc": {"en": "ROC AUC", "ja": "ROC AUC"},
    # --- audit groups ------------------------------------------------------------------
    "group.gender": {"en": "gender", "ja": "性別"},
    "group.age_band": {"en": "age band", "ja": "年代"},
    "group.under 20": {"en": "Under 20", "ja": "20歳未満"},
    "group.20s": {"en": "20s", "ja": "20代"},
    "group.30s": {"en": "30s", "ja": "30代"},
    "group.40s": {"en": "40s", "ja": "40代"},
    "group.50s": {"en": "50s", "ja": "50代"},
    "group.60+": {"en": "60 and over", "ja": "60歳以上"},
    "group.unknown": {"en": "Unknown", "ja": "不明"},
    "group.race_ethnicity": {"en": "race/ethnicity", "ja": "人種・民族"},
    "group.employment_type": {"en": "employment type", "ja": "雇用形態"},
    "group.nationality": {"en": "nationality", "ja": "国籍"},
    "group.region": {"en": "region", "ja": "地域"},
    # --- a person's value in a reason --------------------------------------------------
    "shown.yes": {"en": "yes", "ja": "はい"},
    "shown.no": {"en": "no", "ja": "いいえ"},
    "shown.not_answered": {"en": "not answered", "ja": "未回答"},
    "shown.no_supervisor_interview": {"en": "no supervisor interview", "ja": "上司面談なし"},
    "shown.not_held": {"en": "not held", "ja": "実施なし"},
    "shown.held": {"en": "held", "ja": "実施"},
    "shown.held_amicability": {"en": "held, amicability {level} of 5",
                               "ja": "実施（円満度 {level}/5）"},
    "shown.held_amicability_not_answered": {"en": "held, amicability not answered",
                                            "ja": "実施（円満度は未回答）"},
    "shown.items": {"en": "{shown} of {total}", "ja": "{total}項目中{shown}"},
    "shown.items_skipped": {"en": "{shown} of {total} ({skipped} not answered)",
                            "ja": "{total}項目中{shown}（{skipped}項目は未回答）"},
    "reason.raises": {"en": "[{tag}] {label}: {value} — raises {outcome} by {size} pt",
                      "ja": "［{tag}］{label}：{value} → {outcome}を{size}pt上げる"},
    "reason.lowers": {"en": "[{tag}] {label}: {value} — lowers {outcome} by {size} pt",
                      "ja": "［{tag}］{label}：{value} → {outcome}を{size}pt下げる"},
    # --- coaching ----------------------------------------------------------------------
    "action.sup_welcomed_return": {"en": "Say they would be welcome back",
                                   "ja": "戻ってきても歓迎する意思を伝える"},
    "action.sup_listened_to_end": {"en": "Listen to the end", "ja": "最後まで話を聞く"},
    "action.sup_listened_carefully": {"en": "Listen carefully", "ja": "丁寧に話を聞く"},
    "action.sup_heard_dissatisfaction": {"en": "Let them voice their dissatisfaction",
                                         "ja": "不満を伝えてもらう"},
    "action.sup_answered_questions": {"en": "Answer the questions they have",
                                      "ja": "聞きたいことに答える"},
    "action.sup_understood_reason": {"en": "Show you understand why they leave",
                                     "ja": "退職理由への理解を示す"},
    "action.sup_respected_timing": {"en": "Respect the leaving date they want",
                                    "ja": "希望する退職時期を尊重する"},
    "action.invited_to_alumni_community": {"en": "Invite them to the alumni community",
                                           "ja": "退職者コミュニティに招待する"},
    "action.informed_of_rehire_route": {"en": "Tell them how to come back",
                                        "ja": "再入社制度の内容を伝える"},
    "action.respect_with_drawing_out": {
        "en": "Respect the decision and draw out their feelings",
        "ja": "退職の意思を尊重し、想いを引き出す"},
    "coach.gain": {"en": "{outcome} {gain:+.0f} pt", "ja": "{outcome} {gain:+.0f}pt"},
    "coach.item": {"en": "{action}: {gains}", "ja": "{action}：{gains}"},
    "coach.separator": {"en": ", ", "ja": "、"},
    "coach.causal_note": {
        "en": "These are the model's predictions with the field changed and everything "
              "else held, not proven causal effects: the training data are observational.",
        "ja": "ここに示すのは、その項目だけを変え、他をすべて同じにしたときのモデルの予測"
              "です。学習データは観察データのため、因果効果が証明されたものではありません。"},
    # --- the trust report --------------------------------------------------------------
    "report.title": {"en": "Trust report of leaver scores: {name}",
                     "ja": "退職者スコアの信頼性レポート：{name}"},
    "report.no_cjk_font": {
        "en": "no font with Japanese glyphs is installed (looked for {fonts}); the charts "
              "keep their text as text, so the reader's browser draws it with its own "
              "Japanese font, but their layout is measured with a Latin font",
        "ja": "日本語のフォントがこの環境にありません（探したフォント：{fonts}）。グラフの文字は"
              "文字のまま保存するため、読む人のブラウザが日本語のフォントで表示しますが、配置は"
              "欧文のフォントで測っています"},
    "report.intended_use": {
        "en": "Decision support for HR staff and people-analytics teams: which leavers to "
              "keep in touch with, and which alumni measures and exit-interview practices "
              "to prioritise. Decision support only: never the sole basis for a decision "
              "about a person.",
        "ja": "人事担当者とピープルアナリティクス担当者の意思決定を支援するためのものです。"
              "どの退職者との関係を保つか、どのアルムナイ施策や退職面談の進め方を優先するかの"
              "判断材料として使います。あくまで判断の支援であり、個人についての決定を"
              "このスコアだけで行ってはいけません。"},
    "report.cohort": {"en": "Cohort: {scored} leavers scored; {rejected} rows left out for "
                            "problems in their data.",
                      "ja": "対象：{scored}人をスコアリングしました。データに問題があった"
                            "{rejected}行は除外しています。"},
    "report.metrics": {"en": "How well the model predicts", "ja": "予測の精度"},
    "report.metrics_note": {
        "en": "Measured on the outcomes in these data: how well the scores rank people and "
              "how close the predicted probabilities are to the actual rates.",
        "ja": "このデータの実際の結果と照らし合わせ、スコアの順位付けの正確さと、予測した"
              "確率が実際の割合にどれだけ近いかを測っています。"},
    "report.rows_unknown": {
        "en": "This model folder does not record which leavers the model was trained on: if "
              "these data include them, the figures below are measured on the rows it learnt "
              "from and overstate how well it predicts. The model card's figures beside them "
              "are measured on data it did not learn from.",
        "ja": "このモデルのフォルダーには、学習に使った退職者の記録がありません。このデータに"
              "学習に使った人が含まれる場合、以下の値は学習した人そのもので測った値となり、"
              "実力より良く見えます。並べて示すモデルカードの値は、学習に使っていないデータで"
              "測ったものです。"},
    "report.rows_fresh": {
        "en": "None of these leavers was a row the model was trained on: every figure below "
              "is measured on data it did not learn from.",
        "ja": "この中に、モデルの学習に使った退職者はいません。以下の値はすべて、学習に"
              "使っていないデータで測ったものです。"},
    "report.rows_training": {
        "en": "{outcome}: {training} of the {answered} leavers with a known outcome are rows "
              "the model was trained on. So that no figure is measured on what the model "
              "learnt from, {cross_validated} of them are measured by their cross-validated "
              "predictions (from models that did not see them) and {left_out} are left out "
              "(fitted on, with no such prediction); the other {fresh} are measured by the "
              "model's predictions.",
        "ja": "{outcome}：結果のわかっている{answered}人のうち{training}人は、モデルの学習に"
              "使った人です。学習した人そのもので測らないよう、このうち{cross_validated}人は"
              "その人を学習に使っていないモデルによる予測（交差検証の予測）で測り、{left_out}人"
              "は除外しています（学習に使っただけで、そのような予測がないため）。残りの{fresh}人"
              "はモデルの予測で測っています。"},
    "report.rows_all_training": {
        "en": "{outcome}: these data are the model's training data. All {training} leavers "
              "with a known outcome were fitted on, with no prediction from a model that did "
              "not see them, so they cannot be measured here: the model card's figures, "
              "measured on data the model did not learn from, are shown instead.",
        "ja": "{outcome}：このデータはモデルの学習データです。結果のわかっている{training}人"
              "全員を学習に使っており、その人を学習に使っていないモデルの予測がないため、"
              "ここでは測れません。代わりに、学習に使っていないデータで測ったモデルカードの値を"
              "示します。"},
    "report.reliability_note": {
        "en": "Each point stands for the people whose predicted probability falls in one "
              "tenth of the scale (0–10 %, 10–20 %, …); its number is how many they are, "
              "and it is drawn larger the more they are. Its bar is the 95 % interval of "
              "their actual rate (Wilson): a point of few people has a wide bar, which means "
              "uncertain, not wrong. Points of a well-calibrated model lie near the "
              "diagonal, their bars crossing it.",
        "ja": "各点は、予測した確率が目盛りの10分の1（0〜10%、10〜20%、…）に入る人の"
              "まとまりです。添えた数字はその人数で、人数が多いほど点を大きく描いています。"
              "縦の線は実際の割合の95%区間（ウィルソン法）です。人数の少ない点は線が長く、"
              "不確かであることを示すもので、外れていることを示すものではありません。"
              "較正のよいモデルでは、点が対角線の近くにあり、線が対角線と交わります。"},
    "report.no_outcomes": {
        "en": "The data have no outcome columns: this report describes the scored cohort; "
              "accuracy, calibration and error rates need the outcomes.",
        "ja": "データに結果（アルムナイ意識・再入社意向）の列がないため、スコアリングした集団の"
              "説明のみを示します。精度・較正・誤り率の確認には結果の列が必要です。"},
    "report.deciles": {"en": "Predicted and actual rates by score decile",
                       "ja": "スコア十分位ごとの予測割合と実際の割合"},
    "report.deciles_note": {
        "en": "People sorted by score into ten equal groups (1 = lowest scores).",
        "ja": "スコアの低い順に10等分したグループごとの比較です（1がスコアの最も低い"
              "グループ）。"},
    "report.fairness": {"en": "Fairness by group", "ja": "グループ別の公平性"},
    "report.fairness_note": {
        "en": "For each group: the share selected (probability at or above the segment "
              "threshold) and the share scored above the median of the whole cohort, each "
              "with its impact ratio (the group's rate over the highest group's rate) and "
              "the ratio's 95 % interval. A ratio under {four_fifths} is a finding of adverse "
              "impact (red) only if it survives chance: Fisher's exact test against the "
              "highest group, adjusted for every comparison of the attribute (Holm), gives "
              "p under {alpha}, and moving one person would not reverse it. A ratio under "
              "{four_fifths} that chance could make at this size is shown in grey. Groups "
              "of fewer than {minimum} people show their count only and never set the "
              "highest rate; groups under {small} of the cohort are "
              "marked. People whose value is unknown are left out of that attribute's rates "
              "and counted.",
        "ja": "グループごとに、選定された割合（確率がセグメントの閾値以上）と、集団全体の中央値"
              "を上回る割合を、それぞれの影響比（そのグループの割合÷最も高いグループの割合）と"
              "その95%区間とともに示します。影響比が{four_fifths}未満で、偶然では説明しにくい"
              "場合に限り「不利な影響」として赤で示します（最も高いグループとの、属性内のすべての"
              "比較で調整したフィッシャーの正確検定（ホルム法）でp値が{alpha}未満、かつ1人を"
              "入れ替えても判定が変わらない場合）。影響比が{four_fifths}未満でも、"
              "この人数では偶然でも生じうる差は灰色で示します。{minimum}人未満のグループは"
              "人数のみを示し、比較の基準にしません。集団の{small}未満のグループには印を付け"
              "ます。値が不明の人はその属性の割合から除き、人数を示します。"},
    "report.audit_scope": {
        "en": "This audit supports a bias audit of the scores; it is not an independent bias "
              "audit, and it describes the model's scores, not the people. A gap's drivers "
              "are the reasons that score the group lower than the reference group, on "
              "average.",
        "ja": "この監査はスコアのバイアス監査を支援するもので、独立したバイアス監査ではありま"
              "せん。示すのはモデルのスコアであり、人そのものの評価ではありません。差の要因は、"
              "基準グループと比べてそのグループのスコアを平均的に下げている理由です。"},
    "report.fairness_ratio": {
        "en": "Adverse impact: {findings}. Under four fifths but within chance at this "
              "size: {within}. Groups shown by count only: {suppressed}. Unknown, left out: "
              "{unknown}.",
        "ja": "不利な影響：{findings}。5分の4未満だがこの人数では偶然と区別できない："
              "{within}。人数のみ示したグループ：{suppressed}。不明で除いた人数：{unknown}。"},
    "report.fairness_target_ratio": {"en": "{outcome} {groups}",
                                     "ja": "{outcome} {groups}"},
    "report.fairness_group_ratio": {"en": "{group} ({ratio})", "ja": "{group}（{ratio}）"},
    "report.fairness_none": {"en": "none found", "ja": "認められません"},
    "report.within_count": {"en": "{n} group rates", "ja": "{n}件"},
    "report.gaps": {"en": "Why groups with adverse impact score lower",
                    "ja": "不利な影響が認められたグループの要因"},
    "report.more_gaps": {"en": "… and {n} more groups.",
                         "ja": "…ほか{n}グループ。"},
    "report.within_chance": {"en": "Under four fifths, but within chance at this size",
                             "ja": "5分の4未満だが、この人数では偶然と区別できない差"},
    "report.within_chance_item": {
        "en": "{group}, {outcome}, {rate}: impact ratio {ratio} ({low}–{high}) could be "
              "chance at this size (adjusted p {p}); about {needed} leavers per group "
              "would tell.",
        "ja": "{group}の{outcome}（{rate}）：影響比 {ratio}（{low}–{high}）は、この人数では"
              "偶然でも生じうる差です（調整後のp値 {p}）。判別するには各グループ約{needed}人"
              "の退職者が必要です。"},
    "report.more_within": {"en": "… and {n} more.", "ja": "…ほか{n}件。"},
    "report.within_chance_line": {
        "en": "{n} group rates under four fifths are within chance at this size (lowest "
              "impact ratio {ratio}, smallest adjusted p {p}); the audit table lists them.",
        "ja": "5分の4未満の{n}件は、この人数では偶然と区別できません（影響比の最低値 {ratio}、"
              "調整後のp値の最小値 {p}）。監査の表にすべて記載しています。"},
    "report.count_only_line": {
        "en": "{groups} groups of fewer than {minimum} people ({people} people in all) are "
              "shown by count only in the audit table.",
        "ja": "{minimum}人未満の{groups}グループ（計{people}人）は、監査の表に人数のみ記載して"
              "います。"},
    "rate.selection": {"en": "selected", "ja": "選定割合"},
    "rate.scoring": {"en": "above the median", "ja": "中央値超の割合"},
    "table.selected_ratio": {"en": "{outcome}: selected (impact ratio, 95 % interval)",
                             "ja": "{outcome}：選定割合（影響比、95%区間）"},
    "table.above_median_ratio": {
        "en": "{outcome}: above the median (impact ratio, 95 % interval)",
        "ja": "{outcome}：中央値超の割合（影響比、95%区間）"},
    "table.rate_ratio": {"en": "{rate} ({ratio}; {low}–{high})",
                         "ja": "{rate}（{ratio}、{low}–{high}）"},
    "table.rate_and_reference": {"en": "{rate} ({reference})", "ja": "{rate}（{reference}）"},
    "table.rate_interval": {"en": "{rate} ({low}–{high})", "ja": "{rate}（{low}–{high}）"},
    "table.ratio_interval": {"en": "{ratio} ({low}–{high})", "ja": "{ratio}（{low}–{high}）"},
    "table.reference_group": {"en": "reference", "ja": "比較の基準"},
    "table.reference_of": {"en": "reference ({outcomes})", "ja": "比較の基準（{outcomes}）"},
    "table.note": {"en": "Note", "ja": "注記"},
    "table.count_only": {"en": "fewer than {minimum}: count only",
                         "ja": "{minimum}人未満のため人数のみ"},
    "table.small_group": {"en": "under {small} of the cohort", "ja": "集団の{small}未満"},
    "report.no_groups": {"en": "The data have no gender or age column to audit.",
                         "ja": "データに監査に使える性別・年齢の列がありません。"},
    "report.drivers": {"en": "What drives the scores overall", "ja": "スコア全体に効いている要因"},
    "report.drivers_note": {
        "en": "Average size of each reason's effect across the cohort. Blue: raises the "
              "score when present or higher; red: lowers it; grey: depends on the category.",
        "ja": "各要因が集団全体でどれだけ効いているか（効果の大きさの平均）です。青：あると"
              "（高いと）スコアを上げる、赤：下げる、灰色：カテゴリーによって異なる。"},
    "report.help": {"en": "What would help most", "ja": "最も効果が見込める施策・行動"},
    "report.simulation_note": {
        "en": "Each alumni policy (and pair of policies) the employers of this cohort lack, "
              "introduced for everyone who lacks it: the mean change across the cohort.",
        "ja": "この集団の勤務先にない各アルムナイ施策（と施策の組み合わせ）を、ない人全員に"
              "導入した場合の、集団全体での平均変化です。"},
    "report.coaching": {"en": "Most common first checklist item for the supervisor, among "
                              "the first {n} leavers",
                        "ja": "上司へのチェックリストで最も多い第一項目（先頭の{n}人）"},
    "report.segments": {"en": "Segment mix", "ja": "セグメント構成"},
    "report.segments_note": {
        "en": "A leaver's segment is set by whether the probabilities of alumni engagement "
              "and of rehire intent are at or above the model's thresholds.",
        "ja": "セグメントは、アルムナイ意識と再入社意向の確率がそれぞれモデルの閾値以上か"
              "どうかで決まります。"},
    "report.people": {"en": "Reasons for selected leavers", "ja": "指定した退職者の理由"},
    "report.card": {"en": "Model card", "ja": "モデルカード"},
    "report.monitoring": {"en": "Predictions against outcomes by wave",
                          "ja": "回ごとの予測と実績"},
    "report.monitoring_note": {
        "en": "For each wave of leavers whose outcomes became known: the mean predicted "
              "probability beside the actual rate with its 95 % interval (Wilson), how far "
              "the overall level is off (calibration-in-the-large, in log-odds: 0 = right "
              "level) and how well people are ranked, each with its 95 % interval. A wave of "
              "few people has wide intervals: uncertain, not wrong.",
        "ja": "結果がわかった退職者の回ごとに、予測した確率の平均と実際の割合（95%区間、"
              "ウィルソン法）、全体の水準のずれ（対数オッズ、0がずれなし）、順位付けの正確さを、"
              "それぞれ95%区間とともに示します。人数の少ない回は区間が広く、不確かであることを"
              "示すもので、外れていることを示すものではありません。"},
    "report.drift": {"en": "Answers that changed since training",
                     "ja": "学習時から変わった回答"},
    "report.drift_note": {
        "en": "Fields whose answers shifted beyond the alarm level (population stability "
              "index, PSI), by wave, with values not seen in training and the share "
              "unanswered.",
        "ja": "回答の分布の変化（母集団安定性指標、PSI）が警告の基準を超えた項目を、回ごとに、"
              "学習時になかった値と未回答の割合とともに示します。"},
    "report.no_drift": {"en": "No field's answers shifted beyond the alarm level in any wave.",
                        "ja": "どの回でも、回答の変化が警告の基準を超えた項目はありません。"},
    "report.verdicts": {"en": "Why each verdict", "ja": "判定の理由"},
    "report.verdict_item": {"en": "{wave}, {outcome}: {verdict} — {reasons}.",
                            "ja": "{wave}・{outcome}：{verdict}。{reasons}。"},
    "monitor.verdict.fine": {"en": "fine", "ja": "問題なし"},
    "monitor.verdict.recalibrate": {"en": "recalibrate", "ja": "再較正が必要"},
    "monitor.verdict.retrain": {"en": "retrain", "ja": "再学習が必要"},
    # --- tables ------------------------------------------------------------------------
    "table.outcome": {"en": "Outcome", "ja": "結果"},
    "table.group": {"en": "Group", "ja": "グループ"},
    "table.decile": {"en": "Score decile", "ja": "スコア十分位"},
    "table.predicted": {"en": "Predicted rate", "ja": "予測割合"},
    "table.actual": {"en": "Actual rate", "ja": "実際の割合"},
    "table.people": {"en": "People", "ja": "人数"},
    "table.share": {"en": "Share", "ja": "割合"},
    "table.segment": {"en": "Segment", "ja": "セグメント"},
    "table.policies": {"en": "Policies introduced", "ja": "導入する施策"},
    "table.affected": {"en": "Leavers who lack them", "ja": "対象となる人数"},
    "table.mean_change": {"en": "Mean change in {outcome} (pt)",
                          "ja": "{outcome}の平均変化（pt）"},
    "table.new_candidates": {"en": "New boomerang candidates", "ja": "新たな再入社候補"},
    "table.item": {"en": "Checklist item", "ja": "チェックリストの項目"},
    "table.leavers": {"en": "Leavers", "ja": "人数"},
    "table.scorer": {"en": "Scores", "ja": "スコア"},
    "table.model": {"en": "This model", "ja": "このモデル"},
    "table.interval": {"en": "95 % interval", "ja": "95%区間"},
    "table.oracle": {"en": "True probabilities (synthetic data)", "ja": "真の確率（合成データ）"},
    "table.interval_value": {"en": "{low} to {high}", "ja": "{low}〜{high}"},
    "table.value_interval": {"en": "{value} ({low} to {high})", "ja": "{value}（{low}〜{high}）"},
    "table.measured_on": {"en": "Measured on", "ja": "測った対象"},
    "table.these_data": {"en": "These data", "ja": "このデータ"},
    "table.card_cv": {"en": "Model card: cross-validation on its training data (95 % interval)",
                      "ja": "モデルカード：学習データでの交差検証（95%区間）"},
    "table.card_split": {"en": "Model card: held-out test split of its training data",
                         "ja": "モデルカード：学習に使っていない検証用データ"},
    "table.wave": {"en": "Wave", "ja": "回"},
    "table.outcomes_known": {"en": "Outcomes known", "ja": "結果がわかった人数"},
    "table.events": {"en": "Positive outcomes", "ja": "該当した人数"},
    "table.citl": {"en": "Calibration-in-the-large (95 % interval)",
                   "ja": "全体の水準のずれ（95%区間）"},
    "table.auc_interval": {"en": "ROC AUC (95 % interval)", "ja": "ROC AUC（95%区間）"},
    "table.verdict": {"en": "Verdict", "ja": "判定"},
    "table.field": {"en": "Field", "ja": "項目"},
    "table.psi": {"en": "Shift of the answers (PSI)", "ja": "回答の変化（PSI）"},
    "table.psi_value": {"en": "{psi} (alarm above {threshold})",
                        "ja": "{psi}（警告の基準 {threshold}）"},
    "table.new_values": {"en": "Values not seen in training", "ja": "学習時になかった値"},
    "table.blank_rate": {"en": "Unanswered (in training)", "ja": "未回答の割合（学習時）"},
    "table.update": {"en": "Update", "ja": "更新の方法"},
    "table.labelled": {"en": "Labelled leavers", "ja": "結果付きの退職者"},
    "table.auc_change": {"en": "ROC AUC before → after", "ja": "ROC AUC（更新前→更新後）"},
    "table.brier_change": {"en": "Brier score before → after",
                           "ja": "ブライアスコア（更新前→更新後）"},
    "table.before_after": {"en": "{before} → {after}", "ja": "{before} → {after}"},
    # --- charts ------------------------------------------------------------------------
    "chart.reliability": {"en": "Predicted vs actual: {outcome}",
                          "ja": "予測と実際の比較：{outcome}"},
    "chart.predicted": {"en": "Predicted probability", "ja": "予測した確率"},
    "chart.observed": {"en": "Actual rate", "ja": "実際の割合"},
    "chart.drivers_axis": {"en": "Average size of effect (log-odds)",
                           "ja": "効果の大きさの平均（対数オッズ）"},
    "chart.mean_change": {"en": "Mean change (percentage points)", "ja": "平均変化（ポイント）"},
    "chart.person": {"en": "{leaver}: {outcome} {probability}",
                     "ja": "{leaver}：{outcome} {probability}"},
    "chart.effect": {"en": "Effect on the score (log-odds)", "ja": "スコアへの効果（対数オッズ）"},
    "chart.observed_interval": {"en": "Actual rate, 95 % interval",
                                "ja": "実際の割合と95%区間"},
    "chart.mean_predicted": {"en": "Mean predicted probability", "ja": "予測した確率の平均"},
    "chart.wave": {"en": "Wave", "ja": "回"},
    "chart.rate": {"en": "Rate", "ja": "割合"},
    # --- the model card ----------------------------------------------------------------
    "card.title": {"en": "Model card: {name}", "ja": "モデルカード：{name}"},
    "card.details": {"en": "Model details", "ja": "モデルの詳細"},
    "card.details_text": {
        "en": "{count}: {meanings}. Kept per outcome by cross-validation: "
              "{families}. Fitted on every training row; probabilities calibrated (Platt "
              "scaling) on cross-validated predictions of those rows. {missing} Thresholds: "
              "{thresholds}.",
        "ja": "{count}です。{meanings}。交差検証で結果ごとに選んだモデル："
              "{families}。学習データのすべての行で学習し、その行の交差検証による予測で確率を"
              "較正しています。{missing}閾値：{thresholds}。"},
    "card.count_1": {"en": "One calibrated classifier", "ja": "較正済み分類モデル1つ"},
    "card.count_2": {"en": "Two calibrated classifiers", "ja": "較正済み分類モデル2つ"},
    "card.meaning.alumni_engagement": {
        "en": "the probability that a leaver stays attached to the former employer "
              "(alumni engagement)",
        "ja": "退職者が元の勤務先とのつながりを保つ確率（アルムナイ意識）"},
    "card.meaning.rehire_intent": {
        "en": "the probability that a leaver would consider returning (rehire intent)",
        "ja": "退職者が再入社を考える確率（再入社意向）"},
    "card.family.logistic": {"en": "logistic regression", "ja": "ロジスティック回帰"},
    "card.family.hist_gradient_boosting": {"en": "gradient-boosted trees",
                                           "ja": "勾配ブースティング木"},
    "card.family_item": {"en": "{outcome}: {family}{settings}",
                         "ja": "{outcome}：{family}{settings}"},
    "card.settings": {"en": " ({settings})", "ja": "（{settings}）"},
    "card.setting.C": {"en": "C = {value}", "ja": "C = {value}"},
    "card.setting.learning_rate": {"en": "learning rate {value}", "ja": "学習率 {value}"},
    "card.setting.max_leaf_nodes": {"en": "{value} leaves per tree", "ja": "木あたりの葉 {value}"},
    "card.missing_impute": {
        "en": "Unanswered fields are handled inside the model.",
        "ja": "未回答の項目はモデルの中で扱います。"},
    "card.missing_reject": {"en": "Records with unanswered fields are refused.",
                            "ja": "未回答の項目がある記録は受け付けません。"},
    "card.intended": {"en": "Intended use", "ja": "想定される用途"},
    "card.out": {"en": "Out-of-scope uses", "ja": "想定外の用途"},
    "card.out_text": {
        "en": "Hiring, firing, pay, promotion or performance decisions; any automated "
              "decision about a person without human review; people outside the population "
              "the model was trained on; inferring a person's protected attributes.",
        "ja": "採用・解雇・給与・昇進・評価の決定、人が確認しない自動的な個人への決定、"
              "学習した集団の外にいる人への適用、個人の属性（年齢・性別など）の推測には"
              "使わないでください。"},
    "card.training": {"en": "Training data", "ja": "学習データ"},
    "card.training_text": {
        "en": "{source}. {rows} leavers; the models are fitted on {fitted}{held_out}"
              "{left_out}. Actual rates: {rates}. No rows are stored (fingerprint "
              "SHA-256 {fingerprint}).",
        "ja": "{source}。{rows}人。モデルの学習に{fitted}人{held_out}{left_out}。"
              "実際の該当率：{rates}。行そのものは保存していません（指紋 SHA-256 "
              "{fingerprint}）。"},
    "card.source_given": {"en": "Labelled leaver records supplied by the trainer",
                          "ja": "学習者が用意した結果付きの退職者データ"},
    "card.source_synthetic": {
        "en": "A synthetic leaver survey calibrated to the published survey of PERSOL "
              "Research and Consulting (2019), with 10 % of answers left blank at random",
        "ja": "パーソル総合研究所（2019）の公表調査に合わせた合成退職者調査（回答の10%を"
              "無作為に未回答）"},
    "card.held_out": {"en": ", {test} held out to test", "ja": "、検証用に{test}人"},
    "card.left_out": {"en": ", {n} left out for too many unanswered fields",
                      "ja": "、未回答が多すぎる{n}人は除外"},
    "card.source_own": {"en": "The company's own labelled leaver records",
                        "ja": "自社の結果付き退職者データ"},
    "card.source_note": {"en": "{own} (source: {source})", "ja": "{own}（出典：{source}）"},
    "card.protected_audit": {
        "en": "Protected attributes answered in the data: {columns}. They are used only to "
              "audit the model by group, never as model features.",
        "ja": "データで回答のあった保護すべき属性：{columns}。グループ別の監査にのみ使い、"
              "モデルの特徴量には使っていません。"},
    "card.protected_features": {
        "en": "Protected attributes answered in the data: {columns}. The training config "
              "opted them in as model features; they are also used to audit the model by "
              "group.",
        "ja": "データで回答のあった保護すべき属性：{columns}。学習設定で明示的に選んだため"
              "モデルの特徴量に使っており、グループ別の監査にも使っています。"},
    "card.protected_none": {
        "en": "The data had no protected attributes (age, gender, marital status, children).",
        "ja": "データに保護すべき属性（年齢・性別・婚姻・子どもの有無）はありませんでした。"},
    "card.rows_kept": {
        "en": "So that its figures are never measured on what it learnt from, the model keeps "
              "a 64-bit hash of each training row's encoded answers (the answers cannot be "
              "read back from it) and, where the row was measured by cross-validation, its "
              "prediction then: a trust report on data that include training rows uses those "
              "predictions and leaves out the rows that have none.",
        "ja": "学習した人そのもので値を測らないよう、モデルは学習データの各行について、回答を"
              "数値にしたもののハッシュ値（64ビット。ここから回答を復元することはできません）と、"
              "交差検証で測った行ではそのときの予測を保存しています。学習データを含むデータで"
              "信頼性レポートを作ると、その予測を使い、予測のない行は除外します。"},
    "card.metrics": {"en": "Metrics", "ja": "評価指標"},
    "card.metrics_cv": {
        "en": "Repeated stratified cross-validation on all rows, with the model choice made "
              "inside each fold (mean over the folds, with the 95 % interval).",
        "ja": "すべての行を使った層化交差検証の繰り返しで測っています。モデルの選択も各分割の"
              "中で行っています（分割ごとの値の平均と95%区間）。"},
    "card.metrics_split": {"en": "Measured on a held-out test split.",
                           "ja": "学習に使っていない検証用データで測っています。"},
    "card.evaluation": {"en": "Evaluation data", "ja": "評価データ"},
    "card.evaluation_cv": {
        "en": "All {rows} leavers of the training data, each scored by a model that did "
              "not see them. Run the trust report on your own labelled data before use.",
        "ja": "学習データの{rows}人全員を、その人を学習に使っていないモデルでスコアリング"
              "しています。利用前に、自社の結果付きデータで信頼性レポートを作成してください。"},
    "card.evaluation_updated": {
        "en": "For the outcomes updated, the {n} labelled leavers of the update, each scored "
              "by a model that did not see them (see Updates). For the others, as before: "
              "{parent}",
        "ja": "更新した結果は、更新に使った結果付きの{n}人を、その人を使っていないモデルで"
              "スコアリングして測っています（「更新の履歴」を参照）。それ以外の結果は従来どおり"
              "です：{parent}"},
    "card.evaluation_split": {
        "en": "The {test} held-out leavers of the training data, never used to fit, choose "
              "or calibrate. Run the trust report on your own labelled data before use.",
        "ja": "学習・選択・較正のいずれにも使っていない検証用の{test}人です。利用前に、自社の"
              "結果付きデータで信頼性レポートを作成してください。"},
    "card.analyses": {"en": "Results by group", "ja": "グループ別の結果"},
    "card.no_groups": {
        "en": "The training data had no protected attributes, so no group analysis could "
              "be made; audit with the trust report.",
        "ja": "学習データに性別・年齢などの属性がなかったため、グループ別の分析はできません。"
              "信頼性レポートで監査してください。"},
    "card.no_groups_updated": {
        "en": "The updated model's results by group were not measured when it was updated; "
              "audit it with the trust report on the company's leavers.",
        "ja": "更新したモデルのグループ別の結果は、更新時には測っていません。"
              "会社の退職者について信頼性レポートで監査してください。"},
    "card.no_groups_with": {
        "en": "The training data had {columns} but no answered gender or age to group by, so "
              "no group analysis could be made; audit with the trust report.",
        "ja": "学習データには{columns}がありましたが、グループ分けに使える性別・年齢の回答が"
              "なかったため、グループ別の分析はできません。信頼性レポートで監査してください。"},
    "card.group_heading": {
        "en": "{outcome} by {grouping}: {finding}. Groups of fewer than {minimum} people "
              "are shown by count only; people whose {grouping} is unknown ({unknown}) are "
              "counted apart.",
        "ja": "{outcome}（{grouping}ごと）：{finding}。{minimum}人未満のグループは人数のみ"
              "示し、{grouping}が不明の人（{unknown}人）は別に数えています。"},
    "card.finding_adverse": {
        "en": "adverse impact for {groups} (an impact ratio of the selection rate under "
              "four fifths, beyond chance)",
        "ja": "{groups}に不利な影響あり（選定率の影響比が5分の4未満で、偶然では説明しにくい）"},
    "card.finding_within": {
        "en": "lowest impact ratio of the selection rate {ratio}, under four fifths but "
              "within chance at this size",
        "ja": "選定率の影響比の最低値 {ratio}（5分の4未満だが、この人数では偶然と区別できない）"},
    "card.finding_none": {
        "en": "lowest impact ratio of the selection rate {ratio}, within four fifths",
        "ja": "選定率の影響比の最低値 {ratio}（5分の4以上）"},
    "card.finding_rule": {
        "en": "Impact ratio: a group's selection rate over the highest group's. A ratio "
              "under four fifths is a finding of adverse impact only if Fisher's exact test "
              "against the highest group, adjusted over the grouping's comparisons for both "
              "outcomes (Holm), gives p under 0.05, and moving one person would not reverse "
              "it; intervals are 95 %. Measured on the rows the "
              "metrics were measured on (out of sample).",
        "ja": "影響比：そのグループの選定率÷最も高いグループの選定率。影響比が5分の4未満で、"
              "最も高いグループとの、両方の結果のすべての比較で調整したフィッシャーの正確検定"
              "（ホルム法）でp値が0.05未満、かつ1人を入れ替えても判定が変わらない場合に限り"
              "「不利な影響」とします。区間は95%です。指標を測った行（学習に使っていない"
              "予測）で測っています。"},
    "card.ethics": {"en": "Ethical considerations", "ja": "倫理的な配慮"},
    "card.ethics_text": {
        "en": "Profiling in employment is a high-risk use under the EU AI Act (Annex III, "
              "point 4) and per-person scores are profiling under GDPR Article 22: keep a "
              "human in the loop, tell leavers how their data are used, keep the audit log. "
              "Age, gender, marital status and children are not model features unless the "
              "training config opted them in; they are used here only to audit the model.",
        "ja": "雇用に関わるプロファイリングはEU AI法で高リスクの用途（附属書III第4項）とされ、"
              "個人ごとのスコアはGDPR第22条のプロファイリングにあたります。必ず人が確認し、"
              "退職者にはデータの使い方を伝え、監査ログを保管してください。年齢・性別・婚姻・"
              "子どもの有無は、学習設定で明示的に選ばない限りモデルに使わず、ここでは監査に"
              "のみ使っています。"},
    "card.ethics_text_opted_in": {
        "en": "Profiling in employment is a high-risk use under the EU AI Act (Annex III, "
              "point 4) and per-person scores are profiling under GDPR Article 22: keep a "
              "human in the loop, tell leavers how their data are used, keep the audit log. "
              "The training config of this model opted age, gender, marital status and "
              "children in as model features: check that the law and your policies allow "
              "it, and audit the model by group.",
        "ja": "雇用に関わるプロファイリングはEU AI法で高リスクの用途（附属書III第4項）とされ、"
              "個人ごとのスコアはGDPR第22条のプロファイリングにあたります。必ず人が確認し、"
              "退職者にはデータの使い方を伝え、監査ログを保管してください。このモデルは学習設定"
              "で明示的に選んだため、年齢・性別・婚姻・子どもの有無をモデルに使っています。"
              "法令と社内の方針が認めていることを確かめ、グループ別に監査してください。"},
    "card.updates": {"en": "Updates", "ja": "更新の履歴"},
    "card.update_parent": {
        "en": "Updated from {parent} (fingerprint {fingerprint}) with the records of {n} "
              "leavers (fingerprint {labelled}; random seed {seed}).",
        "ja": "{parent}（指紋 {fingerprint}）を、退職者{n}人の記録（指紋 {labelled}、"
              "乱数の種 {seed}）で更新しました。"},
    "card.update_parent_no_records": {
        "en": "Updated from {parent} (fingerprint {fingerprint}) without records of leavers "
              "(random seed {seed}).",
        "ja": "{parent}（指紋 {fingerprint}）を、退職者の記録を使わずに更新しました（乱数の種 "
              "{seed}）。"},
    "card.update_note": {
        "en": "Before: the parent model's predictions of these leavers; after: the chosen "
              "update's cross-validated predictions of them (each from an update that did "
              "not see them).",
        "ja": "更新前は元のモデルによるこの退職者たちの予測、更新後は選んだ更新方法の交差検証"
              "による予測（その人を使わずに行った更新による予測）で測っています。"},
    "card.update_auto": {"en": "{method} (chosen by cross-validation)",
                         "ja": "{method}（交差検証で選択）"},
    "card.update_rate": {"en": "{method}: {rate}", "ja": "{method}：{rate}"},
    "card.update_reason": {"en": "{outcome}: {reason}.", "ja": "{outcome}：{reason}。"},
    "card.parent_default": {"en": "the default model", "ja": "標準モデル"},
    "card.parent_named": {"en": "the model “{name}”", "ja": "モデル「{name}」"},
    "card.caveats": {"en": "Caveats", "ja": "注意事項"},
    "card.caveats_text": {
        "en": "The reasons show what the model associates with higher or lower scores, not "
              "proven causes. The default model is trained on a synthetic survey calibrated "
              "to a published Japanese survey of 2,000 leavers; retrain and re-audit on your "
              "own data before relying on it. Groups of fewer than 5 people are shown by count "
              "only.",
        "ja": "理由は、モデルがスコアの高低と結びつけている要因であり、証明された原因では"
              "ありません。標準モデルは、退職者2,000人の公表調査に合わせた合成データで学習して"
              "います。頼る前に自社のデータで学習し直し、監査し直してください。5人未満の"
              "グループは人数のみ示します。"},
    "card.caveats_own": {
        "en": "The reasons show what the model associates with higher or lower scores, not "
              "proven causes. The model learnt from the company's own leavers of the time "
              "the data cover: check it on later leavers as their outcomes arrive, and "
              "re-audit it after each update. Groups of fewer than 5 people are shown by count "
              "only.",
        "ja": "理由は、モデルがスコアの高低と結びつけている要因であり、証明された原因では"
              "ありません。このモデルは、データの期間の自社の退職者から学習しています。その後の"
              "退職者の結果がわかり次第モデルを確かめ、更新のたびに監査し直してください。5人未満"
              "のグループは人数のみ示します。"},
    # --- the fairness audit ------------------------------------------------------------
    "audit.gap": {
        "en": "For {group}, {outcome} is lower than for {reference} (impact ratio {ratio}, "
              "95 % interval {low}–{high}; adjusted p {p}), mainly because of {drivers}.",
        "ja": "{group}の{outcome}が{reference}より低い（影響比 {ratio}、95%区間 {low}–{high}、"
              "調整後のp値 {p}）主な要因は、{drivers}。"},
    "audit.levers": {"en": "{reasons} (levers the company or supervisors can change)",
                     "ja": "{reasons}（施策や面談で変えられる要因）"},
    "audit.facts": {"en": "{reasons} (facts to note, not levers)",
                    "ja": "{reasons}（変えられない事情）"},
    "audit.no_drivers": {"en": "no single reason (many small differences)",
                         "ja": "特定の要因ではなく小さな差の積み重ね"},
    "audit.list_separator": {"en": ", ", "ja": "、"},
    "audit.column.attribute": {"en": "Attribute", "ja": "属性"},
    "audit.column.selection_rate": {"en": "Selected", "ja": "選定率"},
    "audit.column.scoring_rate": {"en": "Above the median", "ja": "中央値超の割合"},
    "audit.column.impact_ratio_selection": {"en": "Impact ratio (selected)",
                                            "ja": "影響比（選定率）"},
    "audit.column.impact_ratio_scoring": {"en": "Impact ratio (above the median)",
                                          "ja": "影響比（中央値超の割合）"},
    "audit.column.selection_rate_low": {"en": "Selected: 95 % low",
                                        "ja": "選定率（95%区間の下限）"},
    "audit.column.selection_rate_high": {"en": "Selected: 95 % high",
                                         "ja": "選定率（95%区間の上限）"},
    "audit.column.scoring_rate_low": {"en": "Above the median: 95 % low",
                                      "ja": "中央値超の割合（95%区間の下限）"},
    "audit.column.scoring_rate_high": {"en": "Above the median: 95 % high",
                                       "ja": "中央値超の割合（95%区間の上限）"},
    "audit.column.impact_ratio_selection_low": {"en": "Impact ratio (selected): 95 % low",
                                                "ja": "影響比（選定率）の95%区間の下限"},
    "audit.column.impact_ratio_selection_high": {"en": "Impact ratio (selected): 95 % high",
                                                 "ja": "影響比（選定率）の95%区間の上限"},
    "audit.column.impact_ratio_scoring_low": {
        "en": "Impact ratio (above the median): 95 % low",
        "ja": "影響比（中央値超の割合）の95%区間の下限"},
    "audit.column.impact_ratio_scoring_high": {
        "en": "Impact ratio (above the median): 95 % high",
        "ja": "影響比（中央値超の割合）の95%区間の上限"},
    "audit.column.p_selection": {"en": "p (selected)", "ja": "p値（選定率）"},
    "audit.column.p_selection_adjusted": {"en": "Adjusted p (selected)",
                                          "ja": "調整後のp値（選定率）"},
    "audit.column.p_scoring": {"en": "p (above the median)", "ja": "p値（中央値超の割合）"},
    "audit.column.p_scoring_adjusted": {"en": "Adjusted p (above the median)",
                                        "ja": "調整後のp値（中央値超の割合）"},
    "audit.column.shortfall_selection": {
        "en": "More selected needed for four fifths",
        "ja": "5分の4に達するのに必要な追加の選定人数"},
    "audit.column.flip_flop_selection": {"en": "One person reverses the verdict (selected)",
                                         "ja": "1人の入れ替えで判定が逆転（選定率）"},
    "audit.column.highest_selection": {"en": "Highest selected", "ja": "選定率が最も高いグループ"},
    "audit.column.highest_scoring": {"en": "Highest above the median",
                                     "ja": "中央値超の割合が最も高いグループ"},
    "audit.column.finding_selection": {"en": "Finding (selected)", "ja": "判定（選定率）"},
    "audit.column.finding_scoring": {"en": "Finding (above the median)",
                                     "ja": "判定（中央値超の割合）"},
    "finding.adverse_impact": {"en": "adverse impact", "ja": "不利な影響あり"},
    "finding.not_distinguishable": {"en": "within chance at this size",
                                    "ja": "偶然と区別できない"},
    "finding.no_impact": {"en": "no adverse impact", "ja": "不利な影響なし"},
    "finding.count_only": {"en": "count only", "ja": "人数のみ"},
    "audit.column.suppressed": {"en": "Count only (fewer than 5)", "ja": "人数のみ（5人未満）"},
    "audit.column.small_group": {"en": "Under 2 % of the cohort", "ja": "集団の2%未満"},
    "audit.column.flagged": {"en": "Adverse impact", "ja": "不利な影響あり"},
    "audit.column.reference": {"en": "Compared with", "ja": "比較の基準"},
    "audit.column.n_unknown": {"en": "People unknown", "ja": "不明の人数"},
    "audit.column.label": {"en": "Reason", "ja": "要因"},
    "audit.column.lever": {"en": "Kind", "ja": "種類"},
    "audit.column.gap_log_odds": {"en": "Gap (log-odds)", "ja": "差（対数オッズ）"},
    "audit.sheet.audit": {"en": "audit", "ja": "監査"},
    "audit.sheet.unknown": {"en": "unknown", "ja": "不明"},
    "audit.sheet.drivers": {"en": "drivers", "ja": "要因"},
    "audit.part_separator": {"en": "; and ", "ja": "、および"},
    # --- what the command prints -------------------------------------------------------
    "cli.scored": {"en": "read {read} rows: scored {scored}, rejected {rejected}",
                   "ja": "{read}行を読み込み：スコアリング {scored}行、除外 {rejected}行"},
    "cli.rejects_in": {"en": " (reasons in {path})", "ja": "（理由は {path}）"},
    "cli.rejects_sheet": {"en": "sheet '{sheet}' of {path}", "ja": "{path} のシート「{sheet}」"},
    "cli.problem_line": {"en": "line {line}: {problem}", "ja": "{line}行目：{problem}"},
    "cli.more_problems": {"en": "... and {n} more problems", "ja": "…ほか{n}件の問題"},
    "cli.rate": {"en": "; {rate} rows/s", "ja": "、毎秒{rate}行"},
    "cli.checked": {
        "en": "checked {read} rows: {valid} valid, {rejected} with problems ({problems} "
              "problems)",
        "ja": "{read}行を確認：問題なし {valid}行、問題あり {rejected}行（問題 {problems}件）"},
    "cli.audited": {
        "en": "audited {n} leavers by {attributes} (rows left out for wrong values: "
              "{rejected}); adverse impact (under four fifths, beyond chance): {lowest}; "
              "under four fifths but within chance at this size: {within}; wrote {files}",
        "ja": "{n}人を{attributes}ごとに監査（値の誤りで除外 {rejected}行）。不利な影響"
              "（5分の4未満で偶然では説明しにくい）：{lowest}。5分の4未満だがこの人数では偶然と"
              "区別できない：{within}件。出力：{files}"},
    "cli.lowest_ratio": {
        "en": "{outcome} {ratio} ({attribute}: {group}, {n} people, {rate}, adjusted p {p})",
        "ja": "{outcome} {ratio}（{attribute}：{group}、{n}人、{rate}、調整後のp値 {p}）"},
    "cli.wrote": {"en": "wrote {path}", "ja": "{path} を書き出しました"},
    "cli.table_at": {"en": "sheet '{sheet}', headers in row {row}: ",
                     "ja": "シート「{sheet}」の{row}行目を見出しとして読み込み。"},
    "cli.headers_at": {"en": "headers in line {row}: ", "ja": "{row}行目を見出しとして読み込み。"},
    "cli.no_id": {
        "en": "; the file has no id column, so each output row carries its line in the file "
              "(name the id column with --id)",
        "ja": "。ID列がないため、出力の各行には元のファイルの行番号を付けています（ID列は "
              "--id で指定できます）"},
    "cli.error": {"en": "rehire-model: error: {problem}", "ja": "rehire-model: エラー：{problem}"},
    "cli.warning": {"en": "rehire-model: warning: {problem}",
                    "ja": "rehire-model: 注意：{problem}"},
    "cli.interrupted": {"en": "rehire-model: interrupted; no output was completed",
                        "ja": "rehire-model: 中断しました。出力は完成していません"},
    "cli.training_problems": {"en": "rehire-model: the training data have problems:\n{problems}",
                              "ja": "rehire-model: 学習データに問題があります：\n{problems}"},
    "cli.update_needs": {
        "en": "nothing to update from: give --data with labelled leavers, --base-rate, or both",
        "ja": "更新に使うものがありません。--data でラベル付き退職者のファイルを指定するか、"
              "--base-rate を指定してください",
    },
    "cli.updated_target": {
        "en": "{outcome}: {method} ({n} labelled, {events} positive). {reason}{change}",
        "ja": "{outcome}：{method}（ラベル付き{n}人、該当{events}人）。{reason}{change}",
    },
    "cli.updated_target_no_labels": {
        "en": "{outcome}: {method}. {reason}",
        "ja": "{outcome}：{method}。{reason}",
    },
    "cli.update_change": {
        "en": ". On the labelled leavers, AUC {auc} → {auc_after}, Brier {brier} → "
              "{brier_after} (the model as it was → the update, cross-validated)",
        "ja": "。ラベル付き退職者でのAUC {auc} → {auc_after}、ブライアスコア {brier} → "
              "{brier_after}（元のモデル → 更新後、交差検証）",
    },
    "cli.saved_model": {"en": "saved {path}; kept {kept}",
                        "ja": "{path} に保存しました（{kept}）"},
    "cli.questionnaire_wrote": {
        "en": "wrote {path} ({n} questions) and its column map {map}: upload the form to "
              "KoboToolbox or ODK Central, then score the export with `rehire-model score "
              "export.csv -o scores.csv` (add `--columns {map}` for an export headed by "
              "labels)",
        "ja": "{path}（質問{n}問）と列の対応表 {map} を書き出しました。フォームを KoboToolbox "
              "または ODK Central に登録し、集まった回答の書き出しを `rehire-model score "
              "export.csv -o scores.csv` でスコアにしてください（見出しが質問文の書き出しには "
              "`--columns {map}` を付けます）"},
    "cli.questionnaire_page": {
        "en": "wrote {path} ({n} questions, A4, for paper interviews) and its column map {map}",
        "ja": "{path}（質問{n}問、A4、紙の面談用）と列の対応表 {map} を書き出しました"},
    "cli.drafted": {
        "en": "wrote {path}: review it, set the targets, then `rehire-model train --data {data} "
              "--config {path} --out models/my-model`",
        "ja": "{path} を書き出しました。内容を確認して目的変数を設定してから、`rehire-model "
              "train --data {data} --config {path} --out models/my-model` を実行してください"},
    "cli.exists": {"en": "{path!r} already exists; choose another path or pass --overwrite",
                   "ja": "{path} はすでにあります。別の場所を指定するか、--overwrite を付けて"
                         "ください"},
    "cli.pair_option": {"en": "{flag} {option!r}: expected {form}, for example {example}",
                        "ja": "{flag} {option} は読めません。{form} の形で指定してください"
                              "（例：{example}）"},
    "cli.bad_bands": {"en": "--bands {option!r}: the edges must be numbers separated by "
                            "commas, for example age=30,40,50",
                      "ja": "--bands {option} の区切りは、カンマで区切った数値で指定してください"
                            "（例：age=30,40,50）"},
    "cli.made_data": {"en": "wrote {n} synthetic leavers to {path}",
                      "ja": "合成した退職者{n}人を {path} に書き出しました"},
    "cli.banded": {
        "en": "{attribute} has {distinct} different values: audited in bands {bands} "
              "(choose the edges with --bands)",
        "ja": "{attribute}は値が{distinct}通りあるため、{bands}の区分に分けて監査しました"
              "（区切りは --bands で指定できます）"},
    "cli.needs_period_column": {
        "en": "{flag} needs --period-column, the date column that splits the leavers into "
              "waves (for example --period-column exit_date)",
        "ja": "{flag} を使うには、退職者を回に分ける日付の列を --period-column で指定して"
              "ください（例：--period-column exit_date）"},
    "cli.period_one_file": {
        "en": "--period-column splits one file into waves, and {n} files were given: give "
              "one file, or one file per wave without --period-column",
        "ja": "--period-column で回に分けられるのは1つのファイルだけですが、{n}個のファイルが"
              "指定されました。ファイルを1つにするか、--period-column を付けずに回ごとの"
              "ファイルを指定してください"},
    "cli.wave_names": {
        "en": "each wave is named by its file's name, and more than one file is named "
              "{names}: rename the files so that their names differ",
        "ja": "回の名前はファイル名から付けますが、{names} という名前のファイルが複数あります。"
              "ファイル名が重ならないように変えてください"},
    "cli.monitor_output": {
        "en": "{path!r}: the monitoring result is written as .xlsx or .csv",
        "ja": "{path} には書き出せません。結果は .xlsx か .csv のファイルに書き出します"},
    "cli.base_rate_target": {
        "en": "--base-rate {option!r}: the model predicts no {target!r}; its outcomes are "
              "{targets}",
        "ja": "--base-rate {option} は使えません。モデルは {target} を予測しません。"
              "予測する結果：{targets}"},
    "cli.base_rate_range": {
        "en": "--base-rate {option!r}: the rate must be a share strictly between 0 and 1 "
              "(or 0 % and 100 %), for example rehire_intent=0.33 or rehire_intent=33%",
        "ja": "--base-rate {option} は使えません。基準率は0より大きく1より小さい値（または"
              "0%より大きく100%より小さい値）で指定してください（例：rehire_intent=0.33、"
              "rehire_intent=33%）"},
    # --- updating a model from outcomes -------------------------------------------------
    "update.method.none": {"en": "no update", "ja": "更新なし"},
    "update.method.intercept": {"en": "calibration-in-the-large",
                                "ja": "全体の水準の補正"},
    "update.method.logistic": {"en": "logistic recalibration (intercept and slope)",
                               "ja": "ロジスティック再較正（切片と傾き）"},
    "update.method.revise": {"en": "model revision (penalised correction)",
                             "ja": "モデルの改訂（罰則付き補正）"},
    "update.method.refit": {"en": "retrained on the labelled leavers",
                            "ja": "ラベル付き退職者で再学習"},
    "update.method.base_rate": {"en": "shifted to a known base rate",
                                "ja": "既知の基準率への補正"},
    "update.reason.not_collected": {
        "en": "the labelled leavers have no answer for this outcome, so it stays as it was",
        "ja": "ラベル付き退職者にこの結果の回答がないため、元のままです",
    },
    "update.reason.too_few": {
        "en": "{n} labelled leavers with {events} positive are too few to compare updates "
              "by cross-validation, so it stays as it was",
        "ja": "ラベル付き退職者{n}人（該当{events}人）では交差検証で更新方法を比べられないため、"
              "元のままです",
    },
    "update.reason.auto": {"en": "{closed}; {cv}", "ja": "{closed}。{cv}"},
    "update.reason.lr_none": {
        "en": "the outcomes agree with the predictions in level: shifting it does not lower "
              "the Akaike information criterion (likelihood-ratio p {p_level} for the level, "
              "{p} for level and slope)",
        "ja": "結果は予測と水準が合っています。水準を補正しても赤池情報量規準は下がりません"
              "（尤度比検定のp値：水準 {p_level}、水準と傾き {p}）",
    },
    "update.reason.lr_update": {
        "en": "the outcomes differ from the predictions in level: shifting it lowers the "
              "Akaike information criterion (likelihood-ratio p {p_level} for the level, {p} "
              "for level and slope)",
        "ja": "結果は予測と水準が違います。水準を補正すると赤池情報量規準が下がります"
              "（尤度比検定のp値：水準 {p_level}、水準と傾き {p}）",
    },
    "update.reason.no_richer": {
        "en": "chose {method} (cross-validated log loss {loss}); no richer method can be "
              "fitted to these leavers",
        "ja": "{method}を採用（交差検証の対数損失 {loss}）。"
              "より複雑な方法はこの人数では使えません",
    },
    "update.reason.clearly_better": {
        "en": "{method} is clearly better out of sample than {simpler} (cross-validated log "
              "loss {loss} vs {simpler_loss}, one-sided p {p})",
        "ja": "交差検証では{method}が{simpler}より明らかに良い結果でした"
              "（対数損失 {loss}、{simpler}は{simpler_loss}、片側p値 {p}）",
    },
    "update.reason.best_simplest": {
        "en": "chose {method}: no richer method does better out of sample (cross-validated "
              "log loss {loss}, the lowest)",
        "ja": "{method}を採用。交差検証でより良い複雑な方法はありません（対数損失 {loss}で最小）",
    },
    "update.reason.not_clearly_better": {
        "en": "chose {method} (cross-validated log loss {loss}): {best} ({best_loss}) is not "
              "clearly better (one-sided p {p})",
        "ja": "{method}を採用（交差検証の対数損失 {loss}）。{best}（{best_loss}）は明らかには"
              "良くありません（片側p値 {p}）",
    },
    "update.reason.requested": {
        "en": "{method}, as requested",
        "ja": "指定どおり{method}",
    },
    "update.reason.prior_shift": {
        "en": "shifted from the model's rate {prior} to the known rate {rate} (prior shift, "
              "Elkan 2001)",
        "ja": "モデルの基準率{prior}から既知の基準率{rate}へ補正（事前確率の補正、Elkan 2001）",
    },
    "update.reason.rate_on_records": {
        "en": "intercept set so that the mean prediction over {n} leavers is the known rate "
              "{rate} (it was {before})",
        "ja": "退職者{n}人の予測の平均が既知の基準率{rate}になるよう切片を補正"
              "（補正前は{before}）",
    },
    "update.note.no_revise": {
        "en": "model revision needs a logistic model; this target's model is a tree model",
        "ja": "モデルの改訂はロジスティックモデルにのみ使えます（この結果のモデルは決定木です）",
    },
    "update.note.no_refit": {
        "en": "retraining needs at least {least} leavers of each answer in every "
              "cross-validation fold's training part",
        "ja": "再学習には、交差検証の各分割の学習部分に各回答の退職者が{least}人以上必要です",
    },
    "update.cannot.intercept": {
        "en": "{target} cannot be updated: {n} labelled leavers with {events} positive; "
              "both answers are needed",
        "ja": "{target}は更新できません：ラベル付き退職者{n}人（該当{events}人）。"
              "該当・非該当の両方が必要です",
    },
    "update.cannot.logistic": {
        "en": "{target} cannot be recalibrated: {n} labelled leavers with {events} positive; "
              "both answers are needed",
        "ja": "{target}は再較正できません：ラベル付き退職者{n}人（該当{events}人）。"
              "該当・非該当の両方が必要です",
    },
    "update.cannot.revise": {
        "en": "{target} cannot be revised: model revision needs a logistic model, and this "
              "target's model is a tree model; use method='logistic' or 'refit'",
        "ja": "{target}は改訂できません：モデルの改訂はロジスティックモデルにのみ使えます。"
              "「logistic」か「refit」を使ってください",
    },
    "update.cannot.refit": {
        "en": "{target} cannot be retrained from {n} labelled leavers with {events} positive: "
              "training needs at least {least} of each answer in every fold's training part; "
              "collect more outcomes or use method='auto'",
        "ja": "{target}はラベル付き退職者{n}人（該当{events}人）では再学習できません。"
              "各分割の学習部分に各回答が{least}人以上必要です。結果を集めるか、"
              "method='auto' を使ってください",
    },
    "update.assumption.prior_shift": {
        "en": "assumes a prior shift only: answers relate to outcomes as in the model's data, "
              "and only the share of positives changed",
        "ja": "前提：回答と結果の関係はモデルの学習データと同じで、該当者の割合だけが変わったこと",
    },
    "warning.update_rate_over_outcomes": {
        "en": "{target} has outcomes in the labelled leavers and a base_rate; the base rate is "
              "used and the outcomes are not",
        "ja": "{target}にはラベル付きの結果と基準率の両方があります。"
              "基準率を使い、結果は使いません",
    },
    # --- monitoring waves --------------------------------------------------------------
    "monitor.reason.citl_under": {
        "en": "predictions too low: mean predicted {predicted} % vs observed "
              "{observed} % among {n} leavers (calibration-in-the-large {citl}, 95 % {low} "
              "to {high}; 0 = on target)",
        "ja": "予測が低すぎます。{n}人の予測の平均は{predicted}%ですが、実際は"
              "{observed}%でした（全体の水準のずれ{citl}、95%区間{low}〜{high}。0ならずれなし）"},
    "monitor.reason.citl_over": {
        "en": "predictions too high: mean predicted {predicted} % vs observed "
              "{observed} % among {n} leavers (calibration-in-the-large {citl}, 95 % {low} "
              "to {high}; 0 = on target)",
        "ja": "予測が高すぎます。{n}人の予測の平均は{predicted}%ですが、実際は"
              "{observed}%でした（全体の水準のずれ{citl}、95%区間{low}〜{high}。0ならずれなし）"},
    "monitor.reason.slope_extreme": {
        "en": "predictions too extreme, high ones too high and low ones too low "
              "(calibration slope {slope}, 95 % {low} to {high}; 1 = on target)",
        "ja": "予測の幅が大きすぎます。高い予測は高すぎ、低い予測は低すぎます"
              "（予測の傾き{slope}、95%区間{low}〜{high}。1ならずれなし）"},
    "monitor.reason.slope_modest": {
        "en": "predictions too modest, the leavers differ more than predicted "
              "(calibration slope {slope}, 95 % {low} to {high}; 1 = on target)",
        "ja": "予測の幅が小さすぎます。実際の差は予測よりも大きくなっています"
              "（予測の傾き{slope}、95%区間{low}〜{high}。1ならずれなし）"},
    "monitor.reason.auc": {
        "en": "the model tells leavers apart less well than when it was built "
              "(AUC {auc}, 95 % {low} to {high}, against {reference} then; 0.5 = chance)",
        "ja": "順位付けの正確さがモデルの作成時より下がっています（{auc}、95%区間{low}〜"
              "{high}、作成時は{reference}。0.5なら偶然と同じ）"},
    "monitor.reason.calibrated": {
        "en": "predictions agree with the outcomes, mean predicted {predicted} % "
              "vs observed {observed} % among {n} leavers",
        "ja": "予測は結果と合っています。{n}人の予測の平均は{predicted}%、"
              "実際は{observed}%でした"},
    "monitor.reason.no_outcomes": {
        "en": "no outcomes yet, judged on the inputs only",
        "ja": "結果がまだないため、入力データだけで判定しました"},
    "monitor.reason.inputs_steady": {
        "en": "no input changed beyond chance",
        "ja": "入力データに偶然を超える変化はありません"},
    "monitor.reason.drift_widespread": {
        "en": "inputs changed in {count} fields ({fields}): the leavers now differ from "
              "those the model learned from",
        "ja": "{count}項目で入力データが変わりました（{fields}）。モデルが学習した退職者とは"
              "違ってきています"},
    "monitor.reason.new_values": {
        "en": "{field} has values the model never learned: {values} ({rows} rows)",
        "ja": "「{field}」にモデルが学習していない値があります：{values}（{rows}件）"},
    "monitor.reason.drift_field": {
        "en": "{field} changed beyond chance (PSI {psi}, alarm above {threshold}); a change "
              "in a few fields does not call for retraining by itself: watch the outcomes",
        "ja": "「{field}」の分布が偶然を超えて変わりました（変化の大きさ{psi}、警告の基準"
              "{threshold}）。少数の項目の変化だけなら再学習は不要です。今後の結果を確認"
              "してください"},
    "monitor.reason.blank": {
        "en": "{field} is blank in {rate} % of the answers expected, against {reference} % "
              "in the reference: check how the data are collected",
        "ja": "「{field}」の未回答の割合は{rate}%です（比較の基準では{reference}%）。"
              "データの集め方を確認してください"},
    "monitor.reason.blank_many": {
        "en": "{count} fields changed in how often they are left blank ({fields}): check how "
              "the data are collected",
        "ja": "{count}項目で未回答の割合が変わりました（{fields}）。データの集め方を確認して"
              "ください"},
    "monitor.reason.rejected": {
        "en": "{rejected} of {read} rows could not be scored (see the rejects)",
        "ja": "{read}行のうち{rejected}行は不備があり、スコアを算出していません"
              "（不備のある行の一覧を参照）"},
    "monitor.note.first_wave": {
        "en": "The model keeps no profile of its training data: inputs are compared with "
              "the first wave, {wave}.",
        "ja": "モデルに学習データの概要が保存されていないため、入力データは最初の回"
              "（{wave}）と比べています。"},
    "monitor.note.unmatched": {
        "en": "{count} rows of the outcomes match no leaver of the waves by leaver_id.",
        "ja": "結果の表の{count}行は、退職者IDがどの回の退職者とも一致しません。"},
    "monitor.note.no_ids": {
        "en": "Wave {wave} has no leaver_id column: the outcomes cannot be joined to it.",
        "ja": "{wave}の回には退職者IDの列がないため、結果を結び付けられません。"},
    "monitor.note.not_profiled": {
        "en": "The reference has no profile of {fields}: their drift is not measured.",
        "ja": "比較の基準に{fields}の概要がないため、これらの変化は測っていません。"},
    "monitor.problem.outcome": {
        "en": "outcome column '{column}' has {value}; expected a number (positive when "
              "{rule}): fix it or leave it blank",
        "ja": "結果の列「{column}」の値{value}は数値として読み取れません（{rule}なら該当）。"
              "直すか空欄にしてください"},
    "monitor.error.wave": {"en": "wave {wave}: {problem}", "ja": "{wave}の回：{problem}"},
    "monitor.error.date": {
        "en": "column '{column}' has {value} in {row} ({count} rows without a readable "
              "date); expected a date such as 2025-07-31: fill in the dates or leave those "
              "rows out",
        "ja": "列「{column}」の{row}の値{value}は日付として読み取れません（日付を読み取れない"
              "行は{count}行）。2025-07-31のような日付を入力するか、それらの行を除いて"
              "ください"},
    "monitor.error.date_column": {
        "en": "no column '{column}' to split the waves by; the records have: {columns}",
        "ja": "回を分ける日付の列「{column}」がありません。ある列：{columns}"},
    "monitor.error.outcome_ids": {
        "en": "the outcomes need a leaver_id column to be joined to the waves; they have: "
              "{columns}",
        "ja": "結果の表を各回の退職者に結び付けるには退職者IDの列が必要です。ある列："
              "{columns}"},
    "monitor.error.outcome_duplicate": {
        "en": "leaver_id {leaver_id} appears {count} times in the outcomes; expected one row "
              "per leaver: keep one answer per leaver",
        "ja": "結果の表に退職者ID{leaver_id}が{count}回あります。1人につき1行にしてください"},
    "monitor.summary.wave": {
        "en": "{wave}: {read} rows read, {scored} scored, {rejected} rejected",
        "ja": "{wave}の回：{read}行を読み込み、{scored}行のスコアを算出、{rejected}行に不備"},
    "monitor.summary.verdict": {"en": "  {outcome}: {verdict}: {reasons}",
                                "ja": "  {outcome}：{verdict}。{reasons}"},
    "monitor.column.reasons": {"en": "Reasons", "ja": "理由"},
    "monitor.column.n_read": {"en": "Rows read", "ja": "読み込んだ行数"},
    "monitor.column.n_scored": {"en": "Rows scored", "ja": "スコアを算出した行数"},
    "monitor.column.n_rejected": {"en": "Rows rejected", "ja": "不備のある行数"},
    "monitor.column.citl": {"en": "Calibration-in-the-large", "ja": "全体の水準のずれ"},
    "monitor.column.slope": {"en": "Calibration slope", "ja": "予測の傾き"},
    "monitor.column.brier": {"en": "Brier score", "ja": "ブライアスコア"},
    "monitor.column.auc": {"en": "ROC AUC", "ja": "順位付けの正確さ"},
    "monitor.column.low": {"en": "{name}, 95 % low", "ja": "{name}（95%区間の下限）"},
    "monitor.column.high": {"en": "{name}, 95 % high", "ja": "{name}（95%区間の上限）"},
    "monitor.column.citl_p": {"en": "Calibration-in-the-large, p-value",
                              "ja": "全体の水準のずれの有意確率"},
    "monitor.column.slope_p": {"en": "Calibration slope, p-value", "ja": "予測の傾きの有意確率"},
    "monitor.column.auc_p": {"en": "ROC AUC below the model's, one-sided p-value",
                             "ja": "順位付けの正確さの低下の有意確率（片側）"},
    "monitor.column.auc_reference": {"en": "ROC AUC when the model was built",
                                     "ja": "モデルの作成時の順位付けの正確さ"},
    "monitor.column.answers": {"en": "Answers", "ja": "回答数"},
    "monitor.column.n_reference": {"en": "Answers in the reference",
                                   "ja": "比較の基準の回答数"},
    "monitor.column.bins": {"en": "Bins compared", "ja": "比べた区分の数"},
    "monitor.column.psi": {"en": "Shift of the answers (PSI)", "ja": "回答の変化の大きさ"},
    "monitor.column.psi_threshold": {"en": "Alarm above", "ja": "警告の基準"},
    "monitor.column.alarm": {"en": "Alarm", "ja": "警告"},
    "monitor.column.new_values": {"en": "Values the model never learned",
                                  "ja": "モデルが学習していない値"},
    "monitor.column.new_value_rows": {"en": "Rows with such values",
                                      "ja": "その値がある行数"},
    "monitor.column.blank_rate": {"en": "Unanswered", "ja": "未回答の割合"},
    "monitor.column.blank_rate_reference": {"en": "Unanswered in the reference",
                                            "ja": "比較の基準での未回答の割合"},
    "monitor.column.blank_p": {"en": "Change of the unanswered share, p-value",
                               "ja": "未回答の割合の変化の有意確率"},
    "monitor.column.blank_alarm": {"en": "Unanswered alarm", "ja": "未回答の警告"},
    "monitor.column.row": {"en": "Row in the wave (from 0)", "ja": "回の中の行（先頭が0）"},
    "monitor.column.index": {"en": "Row label in the records given", "ja": "元の表の行"},
    "monitor.sheet.verdict": {"en": "verdict", "ja": "判定"},
    "monitor.sheet.calibration": {"en": "calibration", "ja": "予測と実績"},
    "monitor.sheet.drift": {"en": "drift", "ja": "入力の変化"},
    "monitor.sheet.waves": {"en": "waves", "ja": "回ごとの件数"},
    # --- model folders -----------------------------------------------------------------
    "model.no_folder": {"en": "model folder {path!r} does not exist or is not a folder",
                        "ja": "モデルのフォルダ {path} がありません（フォルダではありません）"},
    "model.no_manifest": {
        "en": "{path!r} has no model.json, so it is not a model folder; model folders are "
              "written by rm.save_model() or `rehire-model train`",
        "ja": "{path} には model.json がないため、モデルのフォルダではありません。モデルの"
              "フォルダは `rehire-model train` で作成します"},
    "model.manifest_changed": {
        "en": "{path} has changed since the model was saved (its content does not match its "
              "manifest_sha256); refusing to load it. Restore the folder from its source or "
              "retrain the model.",
        "ja": "{path} はモデルの保存後に変更されているため、読み込みません。フォルダを元の"
              "状態に戻すか、モデルを学習し直してください"},
    "model.file_changed": {
        "en": "{path} has changed since the model was saved (SHA-256 {found}..., model.json "
              "records {expected}...); refusing to load it. Restore the folder from its source "
              "or retrain the model.",
        "ja": "{path} はモデルの保存後に変更されているため、読み込みません（SHA-256 "
              "{found}…、model.json の記録は {expected}…）。フォルダを元の状態に戻すか、"
              "モデルを学習し直してください"},
    "model.sklearn_version": {
        "en": "model {path!r} was saved with scikit-learn {saved}, but this environment has "
              "scikit-learn {installed}; fitted models are only read by the same minor "
              "version. Install scikit-learn=={minor}.* or retrain the model "
              "(`rehire-model train`).",
        "ja": "モデル {path} は scikit-learn {saved} で保存されていますが、この環境の "
              "scikit-learn は {installed} です。同じマイナーバージョンでしか読み込めません。"
              "scikit-learn=={minor}.* を入れるか、モデルを学習し直してください"
              "（`rehire-model train`）"},
    # --- warnings about the data --------------------------------------------------------
    "warning.blank_all": {
        "en": "{column} is blank in all {n} rows: the scores use no {label} information",
        "ja": "{column}は{n}行すべてで空欄です。スコアには{label}の情報が使われていません"},
    "warning.blank_most": {
        "en": "{column} is blank in {blank} of {n} rows: most scores use no {label} "
              "information",
        "ja": "{column}は{n}行中{blank}行で空欄です。多くのスコアで{label}の情報が使われて"
              "いません"},
    # --- output tables read by people (--lang ja) ---------------------------------------
    "output.line": {"en": "line", "ja": "行"},
    "output.p": {"en": "probability of {outcome}", "ja": "{outcome}の確率"},
    "output.segment": {"en": "segment", "ja": "セグメント"},
    "output.missing_fields": {"en": "unanswered", "ja": "未回答の項目"},
    "output.reason": {"en": "{outcome}: reason {rank}", "ja": "{outcome}の理由{rank}"},
    "output.coaching": {"en": "checklist for the supervisor", "ja": "上司へのチェックリスト"},
    "output.column": {"en": "column", "ja": "列"},
    "output.value": {"en": "value", "ja": "値"},
    "output.problem": {"en": "problem", "ja": "問題"},
    "output.list_separator": {"en": ";", "ja": "、"},
    "output.scores_sheet": {"en": "scores", "ja": "スコア"},
    "output.rejects_sheet": {"en": "rejects", "ja": "除外した行"},
    "output.empty_row": {"en": "empty row", "ja": "空の行"},
    "output.malformed": {"en": "malformed line: {reason}", "ja": "読み取れない行：{reason}"},
    "output.no_header": {"en": "{path!r} has no header row",
                         "ja": "{path} に見出しの行がありません"},
    "output.keep_taken": {
        "en": "--keep cannot carry {names}: the output has a column of that name",
        "ja": "--keep で {names} は指定できません。出力に同じ名前の列があります"},
    "output.keep_missing": {
        "en": "--keep names column(s) the input does not have: {names}; the input has: "
              "{columns}",
        "ja": "--keep で指定した列がファイルにありません：{names}。ファイルの列：{columns}"},
    "output.malformed_fields": {
        "en": "malformed line: expected {expected} fields, saw {saw}",
        "ja": "読み取れない行：見出しは{expected}列ですが、この行は{saw}列あります"},
    # --- reading tables ----------------------------------------------------------------
    "input.quoted": {"en": "'{value}'", "ja": "「{value}」"},
    "input.list": {"en": "{first}, {rest}", "ja": "{first}、{rest}"},
    "input.list_more": {"en": "{shown}, ... ({n} in all)", "ja": "{shown}など（全{n}件）"},
    "input.file": {"en": "'{path}'", "ja": "{path} "},
    "input.sheet_of": {"en": "sheet '{sheet}' of '{path}'", "ja": "{path} のシート「{sheet}」"},
    "input.field": {"en": "{name} ('{label}')", "ja": "「{label}」（{name}）"},
    "input.nearest": {"en": " (the nearest is '{nearest}')",
                      "ja": "（近い見出し：「{nearest}」）"},
    "input.accepts_one_of": {"en": "one of {values}", "ja": "{values}のいずれか"},
    "input.accepts_levels": {"en": "one of the levels {values} (in this order)",
                             "ja": "段階 {values} のいずれか（この順）"},
    "input.accepts_yes_no": {"en": "true or false (also accepted: 1/0, yes/no, はい/いいえ)",
                             "ja": "「はい」か「いいえ」（1/0、true/false も可）"},
    "input.accepts_number": {"en": "a number from {low} to {high}",
                             "ja": "{low}から{high}までの数値"},
    "input.accepts_whole": {"en": "a whole number from {low} to {high}",
                            "ja": "{low}から{high}までの整数"},
    "input.unknown_file_encoding": {
        "en": "cannot tell the encoding of '{path}': it is neither UTF-8 nor Shift_JIS "
              "(cp932); give it with --encoding (for example --encoding latin-1)",
        "ja": "{path} の文字コードを判別できません（UTF-8でもShift_JIS（cp932）でもありません）。"
              "--encoding で指定してください（例：--encoding latin-1）"},
    "input.unknown_separator": {
        "en": "unknown separator '{sep}': expected ',', ';' or tab (--sep tab for a "
              "tab-separated file)",
        "ja": "区切り文字「{sep}」は使えません。「,」「;」またはタブを指定してください"
              "（タブ区切りのファイルは --sep tab）"},
    "input.unknown_encoding": {"en": "unknown encoding '{encoding}': {error}",
                               "ja": "文字コード「{encoding}」は使えません（{error}）"},
    "input.wrong_encoding": {
        "en": "'{path}' is not valid {encoding} text ({reason} at byte {byte} of a block); "
              "give the right encoding with --encoding",
        "ja": "{path} は {encoding} の文字として読めません（ブロックの{byte}バイト目：{reason}）。"
              "--encoding で正しい文字コードを指定してください"},
    "input.unreadable_table": {"en": "cannot read '{path}' as a table: {error}",
                               "ja": "{path} を表として読み込めません（{error}）"},
    "input.no_pyarrow": {"en": "reading Parquet needs pyarrow: {error}",
                         "ja": "Parquetファイルを読むには pyarrow が必要です（{error}）"},
    "input.map_unreadable": {"en": "cannot read the column mapping '{path}': {error}",
                             "ja": "列の対応表 {path} を読み込めません（{error}）"},
    "input.map_not_toml": {"en": "column mapping '{path}' is not valid TOML: {error}",
                           "ja": "列の対応表 {path} はTOMLとして正しくありません（{error}）"},
    "input.map_no_columns": {
        "en": "column mapping '{path}' needs a [columns] table of \"your header\" = "
              "\"schema field\" lines",
        "ja": "列の対応表 {path} には、[columns] の表に「\"自社の見出し\" = \"項目名\"」の行を"
              "書いてください"},
    "input.map_values_tables": {
        "en": "column mapping '{path}': [values] must hold one table per field, such as "
              "[values.company_size]",
        "ja": "列の対応表 {path} の [values] には、[values.company_size] のように項目ごとの表を"
              "書いてください"},
    "input.map_value_lines": {
        "en": "column mapping '{path}': [values.{field}] needs \"your spelling\" = \"code\" "
              "lines",
        "ja": "列の対応表 {path} の [values.{field}] には、「\"自社の表記\" = \"コード\"」の行を"
              "書いてください"},
    "input.map_bad_code": {
        "en": "column mapping '{path}': [values.{field}] turns '{spelling}' into '{code}', "
              "which {field} cannot be; '{label}' takes {accepted}",
        "ja": "列の対応表 {path} の [values.{field}] で「{spelling}」を「{code}」に読み替えて"
              "いますが、「{label}」の値として使えません。使える値：{accepted}"},
    "input.repeated_columns": {
        "en": "after the column mapping, the table has more than one column [{columns}]; map "
              "only one header to each field",
        "ja": "列の対応づけの結果、同じ名前の列{columns}が複数あります。1つの項目には"
              "1つの見出しだけを対応づけてください"},
    "input.no_id_column": {
        "en": "{where} has no header '{column}' to read as leaver_id{hint}; its headers are "
              "{headers}",
        "ja": "{where}に、退職者IDとして読む見出し「{column}」がありません{hint}。"
              "見出しは{headers}です"},
    "input.near_miss": {
        "en": "the column mapping maps the header '{header}' to {field}, but {where} has no "
              "such header; the nearest is '{nearest}': fix the header or the map",
        "ja": "列の対応表は見出し「{header}」を{field}に対応づけていますが、{where}にその見出しは"
              "ありません。近い見出しは「{nearest}」です。見出しか対応表を直してください"},
    "input.header.separator": {
        "en": "the table has one column, whose name contains {name}: the file looks "
              "{name}-separated; pass --sep {name} (sep={separator} in Python)",
        "ja": "表の列が1つだけで、その名前に {name} が含まれています。ファイルは {name} "
              "区切りのようです。--sep {name} を指定してください（関数では sep={separator}）"},
    "input.header.nul": {
        "en": "the headers ({shown}) hold NUL bytes: the file is likely UTF-16 text; pass "
              "--encoding utf-16 (utf-16-le or utf-16-be when it has no byte-order mark)",
        "ja": "見出し（{shown}）にNUL文字が含まれています。ファイルはUTF-16の可能性が"
              "あります。--encoding utf-16 を指定してください（バイト順マークがなければ "
              "utf-16-le か utf-16-be）"},
    "input.header.encoding": {
        "en": "the headers ({shown}) hold characters of a likely wrong encoding; pass "
              "--encoding (utf-8, cp932 for Shift_JIS, utf-16 for Excel's Unicode text)",
        "ja": "見出し（{shown}）が文字化けしています。文字コードが違う可能性があります。"
              "--encoding を指定してください（utf-8、Shift_JIS なら cp932、Excel の Unicode "
              "テキストなら utf-16）"},
    "input.header_misread": {"en": "{where} has no header that names a field: {hint}",
                             "ja": "{where}の見出しに項目名がありません。{hint}"},
    "input.bad_header_row": {
        "en": "the header row must be a whole number from 1 (the first row), not '{row}'",
        "ja": "見出しの行は1以上の整数で指定してください（指定された値：「{row}」）"},
    "input.header_row_parquet": {
        "en": "'{path}' is a Parquet file, whose headers are its column names: leave out "
              "--header-row",
        "ja": "{path} はParquetファイルで、列名が見出しです。--header-row を外してください"},
    "input.nothing_from_row": {
        "en": "'{path}' has nothing to read from line {row} on: give the line of the headers "
              "with --header-row",
        "ja": "{path} の{row}行目以降に読み込める内容がありません。--header-row で見出しの行を"
              "指定してください"},
    "input.not_workbook": {
        "en": "'{path}' is not an Excel workbook (.xlsx, .xlsm), so it has no sheet "
              "'{sheet}'; leave out --sheet",
        "ja": "{path} はExcelブック（.xlsx、.xlsm）ではないため、シート「{sheet}」はありません。"
              "--sheet を外してください"},
    "input.old_excel": {
        "en": "'{path}' is in an Excel format that cannot be read ({suffix}); open it in "
              "Excel and save it as an Excel Workbook (.xlsx) or as CSV",
        "ja": "{path} は読み込めない形式のExcelファイル（{suffix}）です。Excelで開き、"
              "Excelブック（.xlsx）かCSVで保存し直してください"},
    "input.excel_output": {
        "en": "cannot write '{path}': Excel output is written as .xlsx only; name it "
              "'{name}', or use .csv or .parquet",
        "ja": "{path} には書き出せません。Excelの出力は .xlsx だけです。{name} という名前に"
              "するか、.csv か .parquet を使ってください"},
    "input.no_worksheet": {"en": "'{path}' has no worksheet",
                           "ja": "{path} にはワークシートがありません"},
    "input.no_sheet": {
        "en": "'{path}' has no sheet '{sheet}'; its sheets are {sheets}: name one of them "
              "with --sheet",
        "ja": "{path} にシート「{sheet}」はありません。シートは{sheets}です。--sheet で"
              "いずれかを指定してください"},
    "input.no_headers": {
        "en": "{where} has no headers: row {row} is empty; put the column headers in row "
              "{row}, or give the row of the headers with --header-row",
        "ja": "{where}の{row}行目が空で、見出しがありません。{row}行目に列の見出しを入れるか、"
              "--header-row で見出しの行を指定してください"},
    "input.blank_header": {
        "en": "{where}: the header cell {cell} is blank; give column {column} a header in "
              "row {row}, or delete the column",
        "ja": "{where}の見出しのセル {cell} が空です。{row}行目の{column}列に見出しを入れるか、"
              "その列を削除してください"},
    "input.unreadable_workbook": {"en": "cannot read '{path}' as an Excel workbook: {error}",
                                  "ja": "{path} をExcelブックとして読み込めません（{error}）"},
    "input.bad_workbook": {
        "en": "cannot read '{path}' as an Excel workbook: {error}; check that it opens in "
              "Excel, or save it again as .xlsx or CSV",
        "ja": "{path} をExcelブックとして読み込めません（{error}）。Excelで開けるか確かめるか、"
              ".xlsx かCSVで保存し直してください"},
    "input.beyond_headers": {
        "en": "a value in column {column}, which has no header (the headers end at column "
              "{last})",
        "ja": "見出しのない{column}列に値があります（見出しは{last}列まで）"},
    "input.field_count": {"en": "expected {expected} fields, saw {saw}",
                          "ja": "見出しは{expected}列ですが、この行は{saw}列あります"},
    "input.malformed_row": {"en": "'{path}' row {line} is malformed: {reason}",
                            "ja": "{path} の{line}行目を読み取れません：{reason}"},
    "input.malformed_line": {"en": "'{path}' line {line} is malformed: {reason}",
                             "ja": "{path} の{line}行目を読み取れません：{reason}"},
}


def check_lang(lang: str) -> str:
    """``lang`` if it is ``"en"`` or ``"ja"``; else a ValueError saying so."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'ja', got {lang!r}")
    return lang


def has_text(key: str) -> bool:
    """Whether :data:`TEXTS` holds ``key``."""
    return key in TEXTS


def text(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang``, its ``{name}`` fields filled from ``values``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXTS`.
    lang : {"en", "ja"}
    **values
        Values of the text's ``{name}`` fields (``str.format`` rules).

    Raises
    ------
    KeyError
        No text has that key.
    ValueError
        ``lang`` is not ``"en"`` or ``"ja"``.

    Examples
    --------
    >>> text("shown.items_skipped", "ja", shown=1, total=4, skipped=1)
    '4項目中1（1項目は未回答）'
    """
    entry = TEXTS[key][check_lang(lang)]
    return entry.format(**values) if values else entry


@dataclass(frozen=True)
class Message:
    """A text of :data:`TEXTS` with its values, written in a language when it is shown.

    Errors and warnings carry one, so that the same problem reads in English in Python
    (``str(message)``) and in Japanese under ``rehire-model --lang ja``. A value may
    itself be a :class:`Message`, written in the same language.

    Examples
    --------
    >>> note = message("cli.wrote", path="scores.csv")
    >>> str(note), note.render("ja")
    ('wrote scores.csv', 'scores.csv を書き出しました')
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The text in ``lang``, nested messages written in ``lang`` too."""
        values = {name: value.render(lang) if isinstance(value, Message) else value
                  for name, value in self.values.items()}
        return text(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render("en")


def message(key: str, **values: Any) -> Message:
    """A :class:`Message` of ``key`` with ``values`` (checked: the key must exist).

    Raises
    ------
    KeyError
        No text has that key.
    """
    if key not in TEXTS:
        raise KeyError(key)
    return Message(key, values)
