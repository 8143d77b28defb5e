"""Context cues: the words that stop a theme mention from counting.

Each list is a default for a knob of the ``theme_context`` component (see
``components.py``); a pipeline may override any of them in its config. The
codebook (``../shared/codebook.md``) says what must not be coded: negated or
ruled-out mentions, hypothetical ones, an agency's name alone, general
research or policy statements, and the child's own mental health or substance
use. Every cue below exists for one of those rules; the comment says which
review wording it answers. All phrases are matched on lower-cased tokens.
"""

from __future__ import annotations

#: Negation before a mention, within ``window`` tokens in the same clause.
#: Reviews rule factors out with stock phrases: "there was no evidence of",
#: "no concerns were raised about", "was not known to", "no history of";
#: "denied" covers a parent's denial that the review accepts (when the review
#: doubts it, a "but"/"however" clause follows and breaks the scope).
NEGATION_BEFORE: tuple[str, ...] = (
    "no", "not", "never", "without", "nor", "neither", "none", "nothing",
    "no evidence", "no indication", "no suggestion", "no concerns", "no concern",
    "no history", "no record", "no known", "no reported", "no reports",
    "not known to", "ruled out", "absence of", "free of", "free from",
    "denied", "denies", "did not disclose", "did not have", "did not indicate",
    "there was no", "there were no", "unfounded",
)
#: Verbs after "not"/"no"/"never" that make the clause about professionals'
#: knowledge, not about the factor: "agencies did not know who was living in
#: the household", "staff did not recognise the domestic abuse" still assert it.
KNOWLEDGE_VERBS: tuple[str, ...] = (
    "know", "knew", "aware", "realise", "realize", "realised", "recognise", "recognize",
    "recognised", "appreciate", "understand", "identify", "identified", "consider",
    "considered", "explore", "explored", "share", "shared", "inform", "informed", "pass",
    "passed", "record", "recorded", "check", "checked", "assess", "assessed", "ask", "asked",
    "establish", "established", "clarify", "clarified", "verify", "verified",
    "address", "addressed", "act", "acted", "follow", "followed", "take", "taken", "told",
    "notified", "alerted",
)
#: Negation after a mention in the same clause: "mental health was not a
#: feature", "drug use was ruled out", "concerns about housing were unfounded".
NEGATION_AFTER: tuple[str, ...] = (
    "was not a feature", "were not a feature", "was not an issue", "were not an issue",
    "was not a concern", "were not a concern", "was ruled out", "were ruled out",
    "was not identified", "were not identified", "was not present", "were not present",
    "were unfounded", "was unfounded", "was not evident", "were not evident",
    "not a factor", "did not feature", "was not indicated",
    # present and perfect tense, as conclusions are written: "substance misuse
    # is not a feature of this case", "has not been an issue".
    "is not a feature", "are not a feature", "is not an issue", "are not an issue",
    "is not a concern", "has not been a feature", "have not been a feature",
    "has not been an issue", "does not feature", "do not feature", "is not a factor",
    "was not a significant feature", "is not a significant feature", "played no part",
    "plays no part", "had no part", "is not relevant", "was not relevant",
)
#: Words that open a hypothetical or future-only clause: "should her mental
#: health deteriorate", "if he were to relapse", "in the event of eviction",
#: "a risk that mother may become homeless in future".
HYPOTHETICAL_BEFORE: tuple[str, ...] = (
    "if", "in the event", "in case", "unless", "were to", "in future", "in the future",
    "would be at risk", "potential for", "risk of relapse", "contingency", "plan for",
)
#: Words before "if" that make it mean "whether", which is not hypothetical:
#: "failed to identify if she was a victim of domestic abuse", "it is unclear
#: if he prevented enquiries"; "even if mother had received an assessment"
#: still asserts the history.
IF_AS_WHETHER: tuple[str, ...] = (
    "identify", "know", "knew", "ask", "asked", "check", "checked", "establish", "consider",
    "considered", "assess", "determine", "clarify", "explore", "see", "unclear", "unsure",
    "question", "even", "whether", "enquire", "enquired", "understand",
)
#: "should" only makes a hypothetical when it opens the clause ("Should the
#: mother's mental health deteriorate ..."); "professionals should have asked"
#: is a learning point and counts, so it is handled separately.
INVERTED_CONDITIONAL: tuple[str, ...] = ("should", "were", "had")
#: Words that end a cue's reach: a clause that turns ("denied drug use but
#: tested positive", "no concerns initially; however, mother later disclosed").
SCOPE_BREAKS: tuple[str, ...] = (
    "but", "however", "although", "though", "whilst", "while", "yet", "despite",
    "which", "who", "whose", "until", "later", "subsequently", "although", ";", ":",
    "because", "as", "when", "after", "before", "so",
)
#: Themes whose mentions name a failure of practice ("was not shared", "did
#: not meet the threshold", "no strategy meeting", "did not engage"). A "not"
#: or "no" before them is usually part of the failure ("information was not
#: evaluated and was not shared", "no agency had a complete picture"), so only
#: the explicit all-clear phrases below negate them.
PRACTICE_THEMES: tuple[str, ...] = ("threshold_disputes", "non_compliant_parents", "info_sharing")
#: The all-clear phrases that do negate a practice mention: "there were no
#: concerns about the parents' engagement", "nothing to indicate that the
#: threshold was met", "the family was not hidden".
PRACTICE_NEGATION: tuple[str, ...] = (
    "no concerns", "no concern", "no issues", "no difficulties", "nothing to indicate",
    "nothing to suggest", "no evidence of", "no evidence that", "no indication of", "no indication that", "not hidden", "not \"hidden",
    "not “hidden", "was not a", "were not a",
)
#: Themes where a theme phrase followed by an organisation noun is the
#: organisation's name, not the factor ("Housing Options", "the Mental Health
#: Trust"); for practice themes the noun is part of the finding ("escalation
#: policy not used").
AGENCY_THEMES: tuple[str, ...] = (
    "parental_mental_health", "housing", "volatile_relationships", "domestic_abuse",
    "substance_misuse", "risk_adults",
)
#: Nouns that turn a theme phrase into an organisation or a role: "the Mental
#: Health Trust", "Housing Options", "the Substance Misuse Service",
#: "domestic abuse coordinator", "the MARAC coordinator".
AGENCY_HEADS: tuple[str, ...] = (
    "trust", "trusts", "service", "services", "team", "teams", "options", "department",
    "unit", "partnership", "provider", "providers", "agency", "agencies", "charity",
    "board", "forum", "commissioner", "commissioners", "commissioning", "coordinator",
    "co-ordinator", "chair", "chairs", "lead", "leads", "manager", "officer", "officers", "panel",
    "practitioner", "practitioners", "professional", "professionals", "specialist",
    "worker", "workers", "clinic", "nurse", "nurses", "project", "organisation",
    "organisations", "authority", "association", "foundation", "strategy", "policy",
    "policies", "training", "toolkit", "protocol", "procedures", "guidance",
)
#: Words that tie an agency mention back to a parent's own need: "mother was
#: referred to the Substance Misuse Service" counts; "the Mental Health Trust
#: provided a report" does not.
AGENCY_USE: tuple[str, ...] = (
    "referred", "referral", "under the care", "under", "known to", "engaged", "engage",
    "attended", "attend", "treated", "treatment", "admitted", "detained", "assessed",
    "supported", "support", "seen by", "prescribed", "script", "discharged", "open to",
    "sought", "approached", "presented", "placed", "contacted",
)
#: People whose mental health or substance use is a parental theme.
PARENT_TERMS: tuple[str, ...] = (
    "mother", "father", "parent", "parents", "mum", "dad", "stepfather", "step-father",
    "stepmother", "step-mother", "partner", "partners", "boyfriend", "girlfriend", "carer",
    "carers", "husband", "wife", "grandmother", "grandfather", "grandparents", "aunt",
    "uncle", "couple", "adults", "adult", "family", "ms", "mr", "mrs", "maternal", "paternal", "parental",
    "mothers", "fathers", "'s", "’s", "women", "woman", "man", "men",
)
#: People whose own mental health or substance use is not a parental theme.
CHILD_TERMS: tuple[str, ...] = (
    "child", "children", "baby", "infant", "young person", "young people", "boy", "girl",
    "son", "daughter", "teenager", "adolescent", "pupil", "student", "sibling", "siblings",
    "camhs", "youngster", "toddler", "year old", "year-old", "young", "girls", "boys",
    "child's", "child’s", "young person's", "young person’s",
    # school-age wording: "she told her school nurse that she smoked cannabis"
    "school nurse", "youth worker", "youth offending", "at school", "her school", "his school",
    "classmates", "peers",
    # the child's post-mortem findings: "toxicology found traces of cocaine"
    "toxicology", "post-mortem", "postmortem", "posthumous",
)
#: Words for a child too young to drink, take drugs or be depressed: a subject
#: pronoun after one of them ("the baby cried because she was drinking") is a parent.
INFANT_TERMS: frozenset[str] = frozenset(["baby", "babies", "infant", "infants", "newborn", "toddler", "toddlers"])
#: Subject pronouns that may stand for a parent.
SUBJECT_PRONOUNS: frozenset[str] = frozenset(["she", "he", "they"])
#: Words of general research, national policy or guidance: "Research shows",
#: "Working Together 2018 sets out", "nationally", "the triennial analysis".
GENERAL_CUES: tuple[str, ...] = (
    "research", "studies", "literature", "working together", "nationally", "national policy",
    "national guidance", "national figures", "triennial", "biennial", "across england",
    "across the country", "evidence suggests", "evidence shows", "it is well", "we know",
    "statutory guidance", "in general", "many families", "many young people", "such cases",
    "toxic trio", "housing crisis", "many councils", "our analysis", "analysis of recent",
    "scr reports", "reviews found", "reviews show", "reviews have found", "across reviews",
    "serious case reviews", "case reviews have", "has repeatedly found", "have repeatedly found",
    "repeatedly shown", "is well documented", "well established",
    # classifications of a factor in general: "four typologies of domestic violence"
    "typology", "typologies", "categorises", "categorizes",
    # Present-tense statements about agencies or families in general ("agencies
    # may disagree about ...", "referrers feel unable to ...", "a campaign to ...").
    "agencies may", "professionals may", "practitioners may", "may disagree", "referrers",
    "can be a symptom", "knowledge and understanding", "campaign",
    # Referrers as a class, as national analyses write about them ("referring
    # agencies can feel their concerns go unheard").
    "referring agencies",
)
#: Words that tie a sentence to the case under review; a sentence with a
#: general cue still counts when it has one of these ("In this case ...").
CASE_ANCHORS: tuple[str, ...] = (
    "this case", "this family", "the family", "mother", "father", "the parents",
    "mum", "dad", "the stepfather", "her partner", "his partner", "mother's", "father's",
    "in this review", "the review found", "the review identified", "the panel found",
    "ms", "mr", "mrs", "miss", "in this instance", "at the time",
)
#: Themes about a parent or carer: the child's own condition does not count.
PARENTAL_THEMES: tuple[str, ...] = ("parental_mental_health", "substance_misuse")
#: Words that, right after a mid-sentence "should", show it opens an inverted
#: conditional rather than a modal: "offer an assessment should Ms O show
#: signs of low mood", "should either parent begin to misuse alcohol". A
#: modal "should" is followed by a verb ("should have asked", "should be").
CONDITIONAL_SUBJECTS: tuple[str, ...] = (
    "she", "he", "they", "either", "any", "the", "her", "his", "their", "a", "mother",
    "father", "parent", "parents", "ms", "mr", "mrs", "miss", "there", "this", "that",
    "concerns", "anyone", "an",
)
#: A routine question about a factor: when the answer was a denial later in
#: the sentence ("was asked about drug and alcohol use at booking and said that
#: she did not drink"), the factor is ruled out, not found.
ENQUIRY_BEFORE: tuple[str, ...] = (
    "asked about", "asked whether", "asked if", "routine enquiry", "routinely asked",
    "screened for", "screening for", "enquired about", "questions about", "enquiry about",
    "asked her about", "asked him about", "asked them about",
)
#: The denial that answers such a question ("said that she did not drink",
#: "denied any", "reported no"); a "but"/"however" before it breaks the scope.
DENIAL_AFTER: tuple[str, ...] = (
    "denied", "denies", "said that she did not", "said she did not", "said that he did not",
    "said he did not", "said that they did not", "said they did not", "said that she had not",
    "said that he had not", "said she had not", "said he had not", "reported no", "said no",
    "answered no", "stated that she did not", "stated that he did not", "said that there was no",
    "said there was no", "disclosed no", "responded no",
)
#: Contrast words that end a denial's reach: "said she did not drink, but
#: tested positive" still asserts it.
CONTRAST_BREAKS: tuple[str, ...] = ("but", "however", "although", "though", "yet", "despite")
#: Tokens inside a mention of a factor that negate it: "he posed no risk to
#: L", "drank no alcohol". Practice themes carry their own negation
#: ("was not shared") and are exempt.
INNER_NEGATION: tuple[str, ...] = ("no", "not", "never", "n't", "nor", "without")
#: Wording about a parent's taking part in the review itself, not in the help
#: offered to the family: "Mr R declined to take part in the review".
REVIEW_PARTICIPATION: tuple[str, ...] = (
    "part in the review", "part in this review", "part in the scr", "part in the serious case review",
    "contribute to the review", "contribute to this review", "participate in the review",
    "participate in this review", "invitation to contribute", "invited to contribute",
    "meet the reviewer", "meet the lead reviewer", "meet the independent reviewer",
    "speak to the reviewer", "involvement in the review", "involved in the review",
    "be interviewed", "interviewed for the review", "contribute to the scr",
    "engage with the review", "engage with this review", "engage in the review",
    "engaged with the review", "the review process", "review meeting", "meet the author",
    "with the author", "speak to the author",
    # the review's own method, not professionals at the time: "the panel accepted her account"
    "panel accepted", "review accepted", "reviewer accepted", "author accepted",
)
#: Themes about help offered to the family, for which a review-participation
#: sentence does not count.
REVIEW_THEMES: tuple[str, ...] = ("non_compliant_parents",)
#: A parent's own upbringing: moves or homes then are background, not the
#: child's housing ("moved to Kent with her own mother in her teens").
BACKGROUND_CUES: tuple[str, ...] = (
    "grew up", "in her teens", "in his teens", "as a teenager", "as a child", "in her childhood",
    "in his childhood", "during her childhood", "during his childhood", "her own childhood",
    "his own childhood", "her own mother", "his own mother", "her own parents", "his own parents",
    "when she was a child", "when he was a child", "was brought up", "were brought up",
)
#: Themes for which a parent's upbringing is background only.
BACKGROUND_THEMES: tuple[str, ...] = ("housing",)
#: Words before a bare capital letter that make it a parent's initial ("Ms F")
#: or a label ("class B drug", "Appendix C"), not a child called by a letter.
LETTER_NOT_CHILD: frozenset[str] = frozenset([
    "mr", "ms", "mrs", "miss", "dr", "mr.", "ms.", "mrs.", "child",
    "class", "category", "type", "schedule", "grade", "section", "part", "appendix", "plan",
    "tier", "level", "option", "step", "stage", "phase", "paragraph", "para", "table", "figure",
    "annex", "vitamin", "hepatitis", "group", "ward", "unit", "block", "flat", "house", "room",
])
