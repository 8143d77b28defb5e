"""Rule patterns, the context component, the sentence splitter and the tagger API.

Every sentence in this file is fictional, written for these tests.
"""

from __future__ import annotations

import json
import re
import sys
import types
import warnings
from pathlib import Path

import pytest
from scrthemes.nlp import tagger as tagger_mod
from scrthemes.nlp.components import CONTEXT_DEFAULTS, ThemeContext
from scrthemes.nlp.mentions import Mention, Sentence
from scrthemes.nlp.pipeline import (
    PATTERNS_DIR,
    PatternFileError,
    build_pipeline,
    load_pipeline,
    read_patterns,
)
from scrthemes.nlp.segment import sentence_spans
from scrthemes.nlp.tagger import load_tagger
from scrthemes.nlp.themes import THEME_IDS, load_themes

from tests.conftest import require, shared_dir


@pytest.fixture(scope="module")
def rules():
    return load_tagger("rules")


def affirmed(tagger, text: str) -> set[str]:
    return {m.theme for m in tagger.tag(text) if not m.negated}


# ---------------------------------------------------------------- pattern files


def test_every_pattern_file_loads_with_known_labels_and_unique_ids():
    patterns = read_patterns()
    assert len(patterns) > 200
    assert {p["label"] for p in patterns} == set(THEME_IDS)
    ids = [p["id"] for p in patterns]
    assert len(ids) == len(set(ids))
    for path in PATTERNS_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            assert entry["label"] == path.stem, f"{path.name}: one theme per file"
            assert entry["id"].startswith(entry["label"] + "/")


def test_unknown_label_is_reported_with_file_line_and_suggestion(tmp_path: Path):
    good = {"label": "housing", "id": "housing/x", "pattern": "bed and breakfast"}
    bad = {"label": "INFO_SHARING", "id": "info_sharing/y", "pattern": "not shared"}
    (tmp_path / "mixed.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(PatternFileError) as err:
        read_patterns(tmp_path)
    message = str(err.value)
    assert "mixed.jsonl, line 2" in message
    assert "'INFO_SHARING'" in message and "Did you mean 'info_sharing'?" in message
    assert "\n" not in message


def test_duplicate_id_and_bad_json_name_the_line(tmp_path: Path):
    entry = {"label": "housing", "id": "housing/x", "pattern": "hostel"}
    (tmp_path / "a.jsonl").write_text(json.dumps(entry) + "\n" + json.dumps(entry) + "\n")
    with pytest.raises(PatternFileError, match=r"duplicate pattern id 'housing/x' in .*a\.jsonl, line 2"):
        read_patterns(tmp_path)
    (tmp_path / "a.jsonl").write_text("{not json\n")
    with pytest.raises(PatternFileError, match=r"a\.jsonl, line 1: invalid JSON"):
        read_patterns(tmp_path)


def test_domestic_abuse_patterns_are_read_as_volatile_relationships_too(tmp_path: Path):
    entry = {"label": "domestic_abuse", "id": "domestic_abuse/refuge", "pattern": "refuge"}
    (tmp_path / "domestic_abuse.jsonl").write_text(json.dumps(entry) + "\n")
    assert [(p["label"], p["id"]) for p in read_patterns(tmp_path)] == [
        ("domestic_abuse", "domestic_abuse/refuge"),
        ("volatile_relationships", "volatile_relationships/da-refuge"),
    ]
    copy = {"label": "volatile_relationships", "id": "volatile_relationships/da-refuge", "pattern": "refuge"}
    (tmp_path / "volatile_relationships.jsonl").write_text(json.dumps(copy) + "\n")
    with pytest.raises(PatternFileError, match=r"'volatile_relationships/da-refuge' .* remove the copy"):
        read_patterns(tmp_path)


def test_themes_yml_matches_the_codebook_table():
    codebook = shared_dir() / "codebook.md"
    require(codebook.is_file(), f"codebook not found at {codebook}")
    rows = re.findall(r"^\| (\w+) \| ([^|]+?) \|", codebook.read_text(encoding="utf-8"), re.M)
    table = {i: n.strip() for i, n in rows if i != "id"}
    themes = load_themes()
    assert list(table) == list(THEME_IDS) == list(themes)
    assert {t.id: t.name for t in themes.values()} == table


def test_codebook_examples_are_tagged_with_their_theme(rules):
    """The codebook's own typical wording must be found (a floor, not the target)."""
    missed = [
        (t.id, ex)
        for t in load_themes().values()
        for ex in t.examples
        if t.id not in affirmed(rules, ex[0].upper() + ex[1:] + ".")
    ]
    assert not missed


# ------------------------------------------------------------ context behaviour

NOT_COUNTED = [
    ("There was no evidence of domestic abuse in the household.", "domestic_abuse", "negated"),
    ("Mental health was not a feature of the mother's history.", "parental_mental_health", "negated"),
    ("The father denied any drug use and the review accepts this.", "substance_misuse", "negated"),
    ("Should the mother's mental health deteriorate, the health visitor would refer her.", "parental_mental_health", "hypothetical"),
    ("If the family were to become homeless, a referral would be made.", "housing", "hypothetical"),
    ("The Mental Health Trust provided an agency report.", "parental_mental_health", "agency"),
    ("The Homelessness Team attended the panel meeting.", "housing", "agency"),
    ("The Substance Misuse Service was represented on the panel.", "substance_misuse", "agency"),
    ("Research shows that parental mental illness increases risk.", "parental_mental_health", "general"),
    ("Nationally, domestic abuse features in most serious case reviews.", "domestic_abuse", "general"),
    ("Child K began to self-harm at school in year nine.", "parental_mental_health", "child"),
    ("The young person was using cannabis daily by the age of fourteen.", "substance_misuse", "child"),
    # Regressions from the fictional sample reviews (wording families, all fictional).
    ("The review is satisfied that he posed no risk to the children.", "risk_adults", "negated"),
    ("Checks showed that he presented no danger to the baby.", "risk_adults", "negated"),
    ("Mr D was not considered to pose any risk to the children.", "risk_adults", "negated"),
    ("Ms V was asked about alcohol use at booking and said that she did not drink.", "substance_misuse", "negated"),
    ("Nothing in the records suggests otherwise, and substance misuse is not a feature of this case.",
     "substance_misuse", "negated"),
    ("Domestic abuse has not been a feature of the family's life.", "domestic_abuse", "negated"),
    ("The midwife would offer a mood screen should Ms D show signs of depression after the birth.",
     "parental_mental_health", "hypothetical"),
    ("The plan said that, should either parent relapse, a referral would be made to the substance misuse "
     "service.", "substance_misuse", "hypothetical"),
    ("Research on serious case reviews has found that men who pose a risk to children often move between "
     "families.", "risk_adults", "general"),
    ("Studies have repeatedly found that their histories are not known to agencies.", "info_sharing", "general"),
    ("J herself had been self-harming since the age of twelve.", "parental_mental_health", "child"),
    ("She told her school nurse that she smoked cannabis at weekends.", "substance_misuse", "child"),
    ("The Substance Misuse Recovery Service contributed a report to the review.", "substance_misuse", "agency"),
    ("Mr W declined to take part in the review.", "non_compliant_parents", "review"),
    ("Ms H moved to Devon with her own parents in her teens.", "housing", "background"),
    ("4. Housing and the moves between areas . . . . . . 12", "housing", "heading"),
    ("2. Domestic abuse and the police response .......... 7", "domestic_abuse", "heading"),
]


@pytest.mark.parametrize(("text", "theme", "cue"), NOT_COUNTED)
def test_mentions_that_must_not_count_are_flagged(rules, text, theme, cue):
    mentions = [m for m in rules.tag(text) if m.theme == theme]
    assert mentions, f"no {theme} mention found at all in {text!r}"
    assert all(m.negated for m in mentions)
    assert cue in {m.cue for m in mentions}
    assert not rules.summarise(mentions)[theme].present


COUNTED = [
    ("There were concerns that the mother may have been depressed.", "parental_mental_health"),
    ("The father was believed to be using cannabis most evenings.", "substance_misuse"),
    ("Mother had a history of self-harm as a teenager.", "parental_mental_health"),
    ("Ms T was referred to the perinatal mental health team.", "parental_mental_health"),
    ("The mother denied drinking but the house smelled of alcohol.", "substance_misuse"),
    ("Information was not shared with the school nurse.", "info_sharing"),
    ("Agencies must improve how they share information.", "info_sharing"),
    ("The case was stepped down to early help despite the school's concerns.", "threshold_disputes"),
    ("No strategy meeting was held although one was due.", "threshold_disputes"),
    ("The health visitor did not use the escalation policy.", "threshold_disputes"),
    ("Mother did not attend six antenatal appointments.", "non_compliant_parents"),
    ("Professionals accepted the parents' explanations at face value.", "non_compliant_parents"),
    ("The partner had a previous conviction for assaulting a child.", "risk_adults"),
    ("Agencies did not know who was living in the household.", "risk_adults"),
    ("The family moved five times in two years.", "housing"),
    ("Police were called to arguments at the flat.", "volatile_relationships"),
    ("Mother fled to a refuge with the children.", "domestic_abuse"),
    # Regressions from the fictional sample reviews (wording families, all fictional).
    ("Ms G was offered ten appointments with the drug service and attended three.", "non_compliant_parents"),
    ("The father attended only one of the six core group meetings.", "non_compliant_parents"),
    ("She was good at presenting a picture of progress that was not borne out by the children's lives.",
     "non_compliant_parents"),
    ("Workers relied on the mother's own account of her drug use and did not verify it.", "non_compliant_parents"),
    ("His claim to be abstinent was accepted without any check with the clinic.", "non_compliant_parents"),
    ("On four visits there was no answer at the flat.", "non_compliant_parents"),
    ("On three occasions the nurse got no reply when she knocked.", "non_compliant_parents"),
    ("Ms N missed five of the seven appointments offered.", "non_compliant_parents"),
    ("Ms B spoke to the health visitor on the doorstep and said the baby was asleep.", "non_compliant_parents"),
    ("Staff were too ready to believe that the father had changed.", "non_compliant_parents"),
    ("The man who moved in was known to the police for violence.", "risk_adults"),
    ("Records held by the previous GP were not transferred to the new practice.", "info_sharing"),
    ("No single agency had the full picture of the family.", "info_sharing"),
    ("Agencies worked in isolation and did not compare notes.", "info_sharing"),
    ("The father should have been asked about his drinking.", "substance_misuse"),
]


@pytest.mark.parametrize(("text", "theme"), COUNTED)
def test_asserted_and_hedged_mentions_count(rules, text, theme):
    assert theme in affirmed(rules, text)


NOT_TAGGED = [
    # Routine or unrelated wording that once produced a theme (all fictional).
    ("The practice told the review that the historical records were transferred in full.", "info_sharing"),
    ("No agency had responsibility for making sure the boy was seen.", "info_sharing"),
    ("Decisions were made against the threshold for each incident in isolation.", "info_sharing"),
    ("Information about domestic abuse known to the police was not shared with the GP.", "risk_adults"),
    ("Police found the father drunk on the doorstep of the flat upstairs.", "non_compliant_parents"),
]


@pytest.mark.parametrize(("text", "theme"), NOT_TAGGED)
def test_routine_wording_is_not_tagged(rules, text, theme):
    assert theme not in affirmed(rules, text)


def test_a_mention_never_crosses_a_paragraph_break(rules):
    text = "4.59 Nobody outside the ward held this knowledge.\n\n4.60 The practice held a full list of patients."
    for mention in rules.tag(text):
        assert "\n\n" not in text[mention.start : mention.end]
        assert text[mention.start : mention.end] == mention.text
    # spaCy's Matcher would find "knowledge ... held" across the break; theme_ruler matches per sentence.
    assert not [m for m in rules.tag(text) if m.pattern_id == "info_sharing/knowledge-diminished"]


def test_domestic_abuse_also_counts_as_volatile_relationships(rules):
    found = affirmed(rules, "There were repeated domestic abuse incidents between the parents.")
    assert {"domestic_abuse", "volatile_relationships"} <= found


def test_context_settings_are_validated():
    nlp = build_pipeline()
    with pytest.raises(ValueError, match="window must be an integer"):
        ThemeContext(nlp, window=-1)
    with pytest.raises(ValueError, match="unknown setting"):
        ThemeContext(nlp, windw=3)
    with pytest.raises(ValueError, match="negation_before must be a list"):
        ThemeContext(nlp, negation_before="no")
    assert set(CONTEXT_DEFAULTS) >= {"window", "negation_before", "general_cues", "child_terms"}


# ------------------------------------------------------------- sentences, offsets

NOISY = (
    "FICTIONAL REVIEW: CHILD Z\n\n"
    "Page 2\n\n"
    "1. Key findings\n\n"
    "1.1 The mother had been depressed since the birth and the health visitor\n\n"
    "noted low mood. She missed two appointments.\n"
    "  • Information was not shared with the GP.\n"
    "Mr. Smith visited on 3 May. Child Z was seen."
)


def test_sentence_splitter_handles_wrapped_lines_headings_and_bullets():
    pieces = [(NOISY[s:e], h) for s, e, h in sentence_spans(NOISY)]
    texts = [t for t, _ in pieces]
    assert ("1. Key findings", True) in pieces
    assert any(t.startswith("1.1 The mother had been depressed") and t.endswith("noted low mood.") for t in texts)
    assert "She missed two appointments." in texts
    assert "• Information was not shared with the GP." in texts
    assert "Mr. Smith visited on 3 May." in texts and "Child Z was seen." in texts


def test_offsets_point_into_the_text_and_sentences_carry_rule_hits(rules):
    mentions = rules.tag(NOISY)
    assert {"parental_mental_health", "non_compliant_parents", "info_sharing"} <= {m.theme for m in mentions}
    for m in mentions:
        assert isinstance(m, Mention)
        assert NOISY[m.start : m.end] == m.text
        assert NOISY[m.sentence_start : m.sentence_end] == m.sentence
        assert m.method == "rule" and m.pattern_id and m.pattern_id.startswith(m.theme + "/")
    sentences = rules.sentences(NOISY)
    assert all(isinstance(s, Sentence) and NOISY[s.start : s.end] == s.text for s in sentences)
    assert sum(len(s.rule_hits) for s in sentences) == len(mentions)
    depressed = next(s for s in sentences if "depressed" in s.text)
    assert depressed.heading == "1. Key findings"


def test_long_texts_are_tagged_in_pieces_with_correct_offsets(rules, monkeypatch):
    monkeypatch.setattr(tagger_mod, "CHUNK_CHARS", 300)
    text = "\n\n".join(f"Paragraph {i}. The family were placed in bed and breakfast." for i in range(30))
    mentions = [m for m in rules.tag(text) if m.theme == "housing"]
    assert len(mentions) == 30
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_summarise_covers_all_themes(rules):
    summary = rules.summarise(rules.tag("Mother misused alcohol. There was no evidence of domestic abuse."))
    assert list(summary) == list(THEME_IDS)
    assert summary["substance_misuse"].present and summary["substance_misuse"].mentions == 1
    assert summary["substance_misuse"].score == 1.0
    assert not summary["domestic_abuse"].present and summary["domestic_abuse"].score == 0.0


# ------------------------------------------------------------------ tagger API


def test_load_tagger_methods_and_version(rules):
    assert rules.method == "rules" and re.fullmatch(r"[0-9a-f]{12}", rules.version)
    assert load_tagger("rules") is rules
    with pytest.raises(ValueError, match="unknown tagging method 'magic'"):
        load_tagger("magic")


def test_classifier_hook_is_used_when_both_modules_exist(monkeypatch):
    """The classifier plugs in through load_classifier() and combine() only."""
    calls = {}

    class FakeClassifier:
        card = {"model": "fictional"}

        def predict_proba(self, sentences):
            calls["n_sentences"] = len(sentences)
            return [[0.0] * len(THEME_IDS) for _ in sentences]

    def combine(text, sentences, rule_mentions, probs, classifier):
        calls["combine"] = (len(sentences), len(rule_mentions), len(probs), classifier)
        return [m for m in rule_mentions if not m.negated]

    clf_mod = types.ModuleType("scrthemes.nlp.classifier")
    clf_mod.load_classifier = lambda path=None: FakeClassifier()
    comb_mod = types.ModuleType("scrthemes.nlp.combine")
    comb_mod.combine = combine
    monkeypatch.setitem(sys.modules, "scrthemes.nlp.classifier", clf_mod)
    monkeypatch.setitem(sys.modules, "scrthemes.nlp.combine", comb_mod)
    load_tagger.cache_clear()
    try:
        combined = load_tagger("combined")
        assert combined.method == "combined"
        assert combined.version != load_tagger("rules").version
        out = combined.tag("Father drank heavily. There was no evidence of domestic abuse.")
        assert [m.theme for m in out] == ["substance_misuse"]
        assert calls["n_sentences"] == 2 and calls["combine"][0] == 2 and calls["combine"][1] == 3
    finally:
        load_tagger.cache_clear()


def test_combined_falls_back_to_rules_and_classifier_fails_without_a_model(monkeypatch):
    clf_mod = types.ModuleType("scrthemes.nlp.classifier")
    clf_mod.load_classifier = lambda path=None: None
    comb_mod = types.ModuleType("scrthemes.nlp.combine")
    comb_mod.combine = lambda *a: []
    monkeypatch.setitem(sys.modules, "scrthemes.nlp.classifier", clf_mod)
    monkeypatch.setitem(sys.modules, "scrthemes.nlp.combine", comb_mod)
    load_tagger.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fallback = load_tagger("combined")
        assert fallback.method == "rules"
        assert any("rules only" in str(w.message) for w in caught)
        with pytest.raises(ValueError, match="no trained theme classifier"):
            load_tagger("classifier")
    finally:
        load_tagger.cache_clear()


# ------------------------------------------------------------ fast matcher

FICTIONAL_PARAGRAPH = (
    "The mother had a long history of depression and did not attend four appointments. "
    "Information about the police call-outs was not shared with the GP, and the new partner "
    "had a previous conviction for assaulting a child. The case was stepped down to early help "
    "despite the school's concerns. Ms Q was offered eight sessions and attended two. "
    "There was no evidence of drug use, and housing was not a concern."
)


def test_theme_ruler_finds_what_spacys_matcher_finds_within_sentences():
    """Every pattern, on fictional text: the same spans as spaCy's Matcher (per sentence)."""
    from scrthemes.nlp.rulematch import split_words
    from spacy.matcher import Matcher

    nlp = load_pipeline()
    doc = nlp(FICTIONAL_PARAGRAPH * 2)
    ours = {(s.start, s.end, s.label_, s.id_) for s in doc.spans["themes"]}
    matcher = Matcher(nlp.vocab, validate=True)
    pieces = lambda value: [t.text for t in nlp.tokenizer(value)]  # noqa: E731
    for entry in read_patterns():
        matcher.add(entry["id"], split_words(entry["pattern"], pieces))
    labels = {e["id"]: e["label"] for e in read_patterns()}
    sents = [(s.start, s.end) for s in doc.sents]
    theirs = {
        (a, b, labels[nlp.vocab.strings[k]], nlp.vocab.strings[k])
        for k, a, b in matcher(doc)
        if any(x <= a and b <= y for x, y in sents)
    }
    assert len(ours) > 10
    assert ours == theirs


def test_values_the_tokenizer_splits_are_matched_as_their_pieces():
    from scrthemes.nlp.rulematch import split_words

    pieces = {"drug-addled": ["drug", "-", "addled"], "mother's": ["mother", "'s"]}
    tokenize = lambda value: pieces.get(value, [value])  # noqa: E731
    pattern = [{"LOWER": {"IN": ["addict", "drug-addled"]}}, {"LOWER": {"IN": ["mother's"]}, "OP": "?"}]
    assert split_words(pattern, tokenize) == [
        [{"LOWER": {"IN": ["addict"]}}],
        [{"LOWER": {"IN": ["addict"]}}, {"LOWER": "mother"}, {"LOWER": "'s"}],
        [{"LOWER": "drug"}, {"LOWER": "-"}, {"LOWER": "addled"}],
        [{"LOWER": "drug"}, {"LOWER": "-"}, {"LOWER": "addled"}, {"LOWER": "mother"}, {"LOWER": "'s"}],
    ]
    nlp = load_pipeline()
    doc = nlp("A baby was killed by his drug-addled parents. She had not attended the mother’s group.")
    assert "substance_misuse/drug-addled" in {s.id_ for s in doc.spans["themes"]}


def test_theme_ruler_refuses_unbounded_or_unknown_operators():
    from scrthemes.nlp.rulematch import PatternError, compile_pattern

    with pytest.raises(PatternError, match="not allowed"):
        compile_pattern("x/star", [{"LOWER": "a"}, {"OP": "*"}, {"LOWER": "b"}])
    with pytest.raises(PatternError, match="too wide"):
        compile_pattern("x/wide", [{"LOWER": "a"}, {"OP": "{0,40}"}, {"LOWER": "b"}])
    with pytest.raises(PatternError, match="unsupported"):
        compile_pattern("x/regex", [{"TEXT": {"REGEX": "a.*"}}])
