"""Tests for analysis.outcomes: the outcome vocabulary and the recode from real outcome wording."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import outcomes
from analysis.outcomes import (
    VOCABULARY,
    CombinedOutcomeError,
    UnknownOutcomeError,
    categorise_outcome,
    categorise_outcomes,
    join_outcomes,
    outcome_label,
    severity,
    split_outcomes,
)
# The research folder's pa_foi/figures.csv, copied byte for byte (tests/fixtures/README.md).
PA_FOI_FIGURES = Path(__file__).resolve().parent / "fixtures" / "research_pa_foi_figures.csv"

# Real single-category wordings as written in the sources (FOI replies, press snippets, official statistics,
# seeds) or in common force use, with the category each must give. These expectations are judgements.
SINGLE = {
    # dismissal
    "Dismissed": "dismissed",
    "dismissed": "dismissed",
    "Dismissal Without Notice": "dismissed",
    "dismissed without notice": "dismissed",
    "one dismissal": "dismissed",
    "sacked": "dismissed",
    "three were sacked": "dismissed",
    "fired": "dismissed",
    "have been fired": "dismissed",
    "getting the sack": "dismissed",
    "required to resign": "dismissed",  # pre-2008 sanction: an imposed exit
    "two employees were required to resign": "dismissed",
    "dismissed_or_required_to_resign": "dismissed",
    "dismissed_at_least": "dismissed",
    # would have been dismissed
    "Would Have Been Dismissed": "would_have_been_dismissed",
    "would have been dismissed had they not resigned": "would_have_been_dismissed",
    "would have been dismissed if they had not resigned or retired": "would_have_been_dismissed",
    "would have been dismissed had he not already resigned": "would_have_been_dismissed",
    "would_have_been_dismissed": "would_have_been_dismissed",
    # resigned or retired
    "resigned": "resigned_or_retired",
    "retired": "resigned_or_retired",
    "retired or resigned": "resigned_or_retired",
    "six retired or resigned": "resigned_or_retired",
    "resigned before hearing": "resigned_or_retired",
    "resigned prior to their hearing": "resigned_or_retired",
    "resignation ahead of a disciplinary meeting": "resigned_or_retired",
    "two resignations": "resigned_or_retired",
    "ended up resigning": "resigned_or_retired",
    "had to resign": "resigned_or_retired",
    "left the force before the hearing": "resigned_or_retired",
    "resigned_or_retired": "resigned_or_retired",
    # final written warning
    "1x Final written warning": "final_written_warning",
    "Final Written Warning": "final_written_warning",
    "final Written Warnings": "final_written_warning",
    "two officers received final Written Warnings": "final_written_warning",
    "nine officers given final written warnings": "final_written_warning",
    "FWW": "final_written_warning",
    "final_written_warning": "final_written_warning",
    # written warning
    "Written warning": "written_warning",
    "1x Written warning": "written_warning",
    "Written Warning": "written_warning",
    "12 were given written warnings": "written_warning",
    "a warning in writing": "written_warning",
    "WW": "written_warning",
    # reflective practice (from 2020)
    "Reflective practice requires improvement": "reflective_practice",
    "3x Reflective practice requires improvement": "reflective_practice",
    "Reflective Practice Review Process": "reflective_practice",
    "RPRP": "reflective_practice",
    "reflective practice": "reflective_practice",
    "undertake reflective practice": "reflective_practice",
    "practice requiring improvement": "reflective_practice",
    # management advice / action
    "Management advice": "management_advice",
    "one officer received Management advice": "management_advice",
    "advice by management": "management_advice",
    "misconduct meetings and management advice": "management_advice",
    "Management action": "management_action",
    "‘management action’": "management_action",
    "some form of management action": "management_action",
    "informal advice": "management_action",
    "guidance": "management_action",
    "counselling": "management_action",
    # other sanctions outside the vocabulary
    "formal warning": "other_sanction",
    "fined": "other_sanction",
    "reprimanded": "other_sanction",
    "formally reprimanded": "other_sanction",
    "reduction in rank": "other_sanction",
    "unsatisfactory performance procedures": "other_sanction",
    # no case to answer: findings in the officer's favour
    "no case to answer": "no_case_to_answer",
    "not upheld": "no_case_to_answer",
    "complaints dismissed": "no_case_to_answer",  # the complaint, not the officer
    "22 complaints were dismissed": "no_case_to_answer",
    "complaints_dismissed_not_upheld": "no_case_to_answer",
    "cleared": "no_case_to_answer",
    "25 were cleared": "no_case_to_answer",
    "found not to be misconduct": "no_case_to_answer",
    "misconduct not proven": "no_case_to_answer",
    # no further action: decisions without a finding or sanction
    "NFA": "no_further_action",
    "No further action": "no_further_action",
    "no further action at all": "no_further_action",
    "no action": "no_further_action",
    "local resolution": "no_further_action",
    "proceedings discontinued": "no_further_action",
    # ongoing / unknown
    "Pending": "ongoing",
    "ongoing": "ongoing",
    "still under investigation": "ongoing",
    "still being investigated": "ongoing",
    "Not known": "unknown",
    "no finding recorded": "unknown",
}

# Wordings that name several categories: categorise_outcome must refuse them, categorise_outcomes lists them.
COMBINED = {
    "resignation, dismissal or retirement": ("dismissed", "resigned_or_retired"),
    "resignation, dismissal ore retirement": ("dismissed", "resigned_or_retired"),
    "resigned_dismissed_or_retired": ("dismissed", "resigned_or_retired"),
    "resigned_retired_or_sacked_more_than": ("dismissed", "resigned_or_retired"),
    "retired, resigned or been sacked": ("dismissed", "resigned_or_retired"),
    "dismissed/ resigned": ("dismissed", "resigned_or_retired"),
    "left the force": ("dismissed", "resigned_or_retired"),
    "management action/guidance/advice": ("management_advice", "management_action"),
    "management_action_guidance_or_advice": ("management_advice", "management_action"),
    "subject to management action, received guidance or words of advice": ("management_advice", "management_action"),
    "management_or_informal_advice": ("management_advice", "management_action"),
    "words of advice": ("management_advice", "management_action"),
    "written warning or management advice": ("written_warning", "management_advice"),
    "written_warning_or_management_advice": ("written_warning", "management_advice"),
    "management advice or written warnings": ("written_warning", "management_advice"),
    "management_advice_or_written_warning": ("written_warning", "management_advice"),
    "no further action or no case to answer": ("no_case_to_answer", "no_further_action"),
    "no_further_action_or_no_case_to_answer": ("no_case_to_answer", "no_further_action"),
    "no further action or finding there was no case to answer": ("no_case_to_answer", "no_further_action"),
    "Management advice and informal advice": ("management_advice", "management_action"),
}

# Text that is not an outcome, or too vague to place, must raise rather than be guessed.
NOT_OUTCOMES = [
    # ("disciplinary action" left this list at the issue-10 merge: voice.wales's "No detail was given about the
    # specific punishment" made it an outcome wording, coded unknown in recode/outcome_wording.csv)
    "disciplinary proceedings",
    "disciplined",
    "substantiated",
    "complaint proven",
    "cases to answer",
    "gross misconduct",
    "gross_misconduct_or_dismissed_resigned",
    "formal or informal action",
    "misconduct hearing",
    "NIL",
    "seven incidents led to no action",
    "2 x Officers",
    "unknown-ish outcome",
]


def test_at_least_sixty_real_wordings_are_pinned():
    assert len(SINGLE) + len(COMBINED) >= 60


@pytest.mark.parametrize("wording,expected", sorted(SINGLE.items()))
def test_single_wordings(wording, expected):
    assert categorise_outcome(wording) == expected
    assert categorise_outcomes(wording) == (expected,)


@pytest.mark.parametrize("wording,expected", sorted(COMBINED.items()))
def test_combined_wordings(wording, expected):
    assert categorise_outcomes(wording) == expected
    with pytest.raises(CombinedOutcomeError, match="categorise_outcomes"):
        categorise_outcome(wording)


def test_combined_error_is_a_value_error():
    assert issubclass(CombinedOutcomeError, ValueError)
    assert issubclass(UnknownOutcomeError, ValueError)


@pytest.mark.parametrize("text", NOT_OUTCOMES)
def test_unmapped_wording_raises_and_quotes_it(text):
    with pytest.raises(UnknownOutcomeError) as err:
        categorise_outcome(text)
    assert repr(text) in str(err.value)


def test_unknown_part_named_with_whole_text():
    with pytest.raises(UnknownOutcomeError) as err:
        categorise_outcomes("written warning or a stern look")
    message = str(err.value)
    assert "'a stern look'" in message or "'stern look'" in message
    assert "'written warning or a stern look'" in message


@pytest.mark.parametrize("empty", ["", "   ", "\t\n", None])
def test_empty_input_raises_value_error(empty):
    with pytest.raises(ValueError):
        categorise_outcome(empty)
    with pytest.raises(ValueError):
        categorise_outcomes(empty)


def test_empty_input_is_not_reported_as_unknown_wording():
    with pytest.raises(ValueError) as err:
        categorise_outcome("  ")
    assert not isinstance(err.value, UnknownOutcomeError)


def test_unknown_is_never_a_fallback():
    # "unknown" only for wording that says so; anything unmapped raises instead.
    with pytest.raises(UnknownOutcomeError):
        categorise_outcome("banished to traffic duty")
    assert categorise_outcome("not known") == "unknown"


@given(st.sampled_from(sorted(SINGLE)), st.sampled_from(["", " ", "  ", "."]), st.booleans())
def test_case_whitespace_and_trailing_punctuation_do_not_matter(wording, suffix, upper):
    text = f"  {wording.upper() if upper else wording}{suffix}"
    assert categorise_outcome(text) == SINGLE[wording]


# --- the recode tables ----------------------------------------------------------------------------------
def _wording_rows():
    with outcomes.WORDING_FILE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_table_row_resolves_to_its_outcome():
    for row in _wording_rows():
        assert join_outcomes(categorise_outcomes(row["wording"])) == row["outcome"], row


def test_table_covers_every_category():
    used = {c for row in _wording_rows() for c in split_outcomes(row["outcome"])}
    assert used == set(VOCABULARY)


def test_vocabulary_names_resolve_to_themselves():
    for name in VOCABULARY:
        assert categorise_outcome(name) == name


def test_pa_foi_outcome_measures_resolve():
    """Every outcome-coded measure in the PA/press figures resolves."""
    path = PA_FOI_FIGURES
    measures = {row["measure"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    outcome_measures = {
        "cleared", "complaints_dismissed_not_upheld", "dismissed", "dismissed_at_least",
        "dismissed_or_required_to_resign", "final_written_warning", "fined", "formal_warning",
        "formally_reprimanded", "left_the_force", "local_resolution", "management_action",
        "management_action_guidance_or_advice", "management_advice", "management_advice_or_written_warning",
        "management_or_informal_advice", "misconduct_meeting_and_management_advice", "no_action",
        "no_case_to_answer", "no_further_action", "no_further_action_or_no_case_to_answer",
        "reflective_practice", "reflective_practice_requires_improvement", "reprimanded", "required_to_resign",
        "resigned", "resigned_before_hearing", "resigned_dismissed_or_retired",
        "resigned_retired_or_sacked_more_than", "retired_or_resigned", "still_under_investigation",
        "would_have_been_dismissed", "written_warning", "written_warning_or_management_advice",
    }
    assert outcome_measures <= measures  # the list above is what the source holds
    for measure in sorted(outcome_measures):
        assert categorise_outcomes(measure), measure


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wording_mapped_two_ways_is_rejected_with_file_and_line(tmp_path, monkeypatch):
    path = _write(tmp_path, "outcome_wording.csv",
                  "wording,outcome,note,seen_in\nsacked,dismissed,,https://example.org/synthetic\n"
                  "Sacked.,written_warning,,https://example.org/synthetic\n")
    monkeypatch.setattr(outcomes, "WORDING_FILE", path)
    outcomes._wording_lookup.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"outcome_wording\.csv line 3: wording 'Sacked.'.*already"):
            outcomes._wording_lookup()
    finally:
        monkeypatch.undo()
        outcomes._wording_lookup.cache_clear()


@pytest.mark.parametrize("bad_outcome", ["sacked_outright", "dismissed+bogus", "resigned_or_retired+dismissed"])
def test_bad_outcome_cell_is_rejected_with_file_and_line(tmp_path, monkeypatch, bad_outcome):
    path = _write(tmp_path, "outcome_wording.csv",
                  f"wording,outcome,note,seen_in\nsacked,{bad_outcome},,https://example.org/synthetic\n")
    monkeypatch.setattr(outcomes, "WORDING_FILE", path)
    outcomes._wording_lookup.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"outcome_wording\.csv line 2: .*(vocabulary|written)"):
            outcomes._wording_lookup()
    finally:
        monkeypatch.undo()
        outcomes._wording_lookup.cache_clear()


def test_vocabulary_out_of_order_is_rejected(tmp_path, monkeypatch):
    lines = outcomes.OUTCOMES_FILE.read_text(encoding="utf-8").splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    path = _write(tmp_path, "outcomes.csv", "\n".join(lines) + "\n")
    monkeypatch.setattr(outcomes, "OUTCOMES_FILE", path)
    outcomes._vocabulary_rows.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"outcomes\.csv line 2"):
            outcomes._vocabulary_rows()
    finally:
        monkeypatch.undo()
        outcomes._vocabulary_rows.cache_clear()


# --- vocabulary, severity, labels, regimes ----------------------------------------------------------------
def test_vocabulary_order_matches_design():
    assert VOCABULARY == (
        "dismissed", "would_have_been_dismissed", "resigned_or_retired", "final_written_warning",
        "written_warning", "reflective_practice", "management_advice", "management_action",
        "other_sanction", "no_case_to_answer", "no_further_action", "ongoing", "unknown",
    )


def test_severity_is_strictly_increasing_in_vocabulary_order():
    ranks = [severity(c) for c in VOCABULARY]
    assert ranks == list(range(1, len(VOCABULARY) + 1))
    assert severity("dismissed") < severity("final_written_warning") < severity("no_further_action")


def test_severity_rejects_non_categories():
    with pytest.raises(ValueError):
        severity("sacked")


def test_vocabulary_table_matches_constant():
    table = outcomes.vocabulary_table()
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["outcome", "severity_rank", "label", "description", "regime"]
    assert tuple(table["outcome"]) == VOCABULARY
    assert list(table["severity_rank"]) == list(range(1, 14))
    assert set(table["regime"]) <= {"both", "pre_2020", "from_2020"}
    assert table["label"].str.len().gt(0).all()
    table.loc[0, "label"] = "changed"  # a copy: the cached table is unaffected
    assert outcome_label("dismissed") == "Dismissed"


def test_labels():
    assert outcome_label("would_have_been_dismissed") == "Would have been dismissed"
    assert outcome_label("no_case_to_answer") == "No case to answer"
    with pytest.raises(ValueError):
        outcome_label("Dismissed")


def test_regime_flags():
    assert outcomes.regime("reflective_practice") == "from_2020"
    assert outcomes.regime("management_advice") == "pre_2020"
    for category in ("dismissed", "final_written_warning", "written_warning"):
        assert outcomes.regime(category) == "both"


def test_descriptions_cite_the_2020_regulations():
    table = outcomes.vocabulary_table().set_index("outcome")
    assert "http" in table.loc["reflective_practice", "description"]
    assert "2020" in table.loc["management_advice", "description"]


# --- join / split --------------------------------------------------------------------------------------
def test_join_orders_most_severe_first_and_dedupes():
    assert join_outcomes(("resigned_or_retired", "dismissed", "dismissed")) == "dismissed+resigned_or_retired"
    assert join_outcomes(["unknown"]) == "unknown"


def test_join_rejects_non_categories():
    with pytest.raises(ValueError):
        join_outcomes(("dismissed", "sacked"))
    with pytest.raises(ValueError):
        join_outcomes(())


def test_split_outcomes():
    assert split_outcomes("dismissed+resigned_or_retired") == ("dismissed", "resigned_or_retired")
    assert split_outcomes("") == ()
    with pytest.raises(ValueError):
        split_outcomes("dismissed+sacked")


@given(st.sets(st.sampled_from(VOCABULARY), min_size=1))
def test_join_split_round_trip(categories):
    joined = join_outcomes(categories)
    assert split_outcomes(joined) == tuple(sorted(categories, key=severity))
    assert join_outcomes(split_outcomes(joined)) == joined


# --- the conduct regulations' own terms, 2004 to 2020, and replies' compound wording -------------------------
# Police (Conduct) Regulations 2004 reg 35 (legislation.gov.uk/uksi/2004/645/regulation/35): dismissal from the
# force, requirement to resign, reduction in rank, fine, suspension (special constables), reprimand, caution.
# 2008/2012: management advice, written warning, final written warning (and its extension), dismissal with or
# without notice. 2020 reg 42: referral to the reflective practice review process, written warning, final written
# warning, reduction in rank, dismissal without notice; unsatisfactory performance procedures.
REGULATION_TERMS = {
    "dismissal from the force": "dismissed",
    "requirement to resign": "dismissed",
    "requirement to resign from the force as an alternative to dismissal": "dismissed",
    "reduction in rank": "other_sanction",
    "fine": "other_sanction",
    "suspension from all or from operational duties": "other_sanction",
    "reprimand": "other_sanction",
    "caution": "other_sanction",
    "words of advice": "management_action+management_advice",
    "management advice": "management_advice",
    "written warning": "written_warning",
    "final written warning": "final_written_warning",
    "extension of final written warning": "final_written_warning",
    "dismissal with notice": "dismissed",
    "dismissed with notice": "dismissed",
    "dismissal without notice": "dismissed",
    "referred to the reflective practice review process": "reflective_practice",
    "reflective practice review process": "reflective_practice",
    "unsatisfactory performance procedures": "other_sanction",
    "referred to unsatisfactory performance procedures": "other_sanction",
    "resigned before hearing": "resigned_or_retired",
}
# Wording as replies and tables in the research folder write it (labels, back-references, compounds). Compound
# wording no published page was found to use ("resigned; case to answer found", "no further action (NFA)") was
# taken out of the recode table at the issue-10 merge: every recode row cites where it was seen.
REPLY_WORDING = {
    "Outcome: Final written warning": "final_written_warning",  # force_foi/tidy.csv (Northumbria 593/20)
    "Outcome: final Written Warning": "final_written_warning",
    "Outcome: Management advice": "management_advice",
    "Outcome: Reflective practice requires improvement": "reflective_practice",  # Avon and Somerset 221/21
    "Outcome: Written warning": "written_warning",
    "Of these, dismissed or required to resign": "dismissed",  # force_foi/tidy.csv (retiredandangry)
    "another fined": "other_sanction",  # pa_foi (PA 2011)
    "resigned prior to the hearing": "resigned_or_retired",
}


@pytest.mark.parametrize("text, expected", sorted({**REGULATION_TERMS, **REPLY_WORDING}.items()))
def test_regulation_terms_and_reply_wording(text, expected):
    assert join_outcomes(categorise_outcomes(text)) == join_outcomes(expected.split("+"))


def test_a_resignation_with_an_outcome_keeps_both():
    """Separated by ';' like ',' and '/': a resignation beside a hearing's finding names two categories."""
    assert categorise_outcomes("retired; would have been dismissed") == ("would_have_been_dismissed",
                                                                         "resigned_or_retired")
    with pytest.raises(CombinedOutcomeError):
        categorise_outcome("resigned; final written warning")


def test_a_finding_alone_is_not_an_outcome():
    for text in ("case to answer found", "gross misconduct found", "misconduct proven"):
        with pytest.raises(UnknownOutcomeError):
            categorise_outcome(text)
