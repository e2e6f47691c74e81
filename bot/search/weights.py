"""The numbers of the search: field weights, candidate weights, lifts and the confidence thresholds.

Calibrated together on the dev questions and the labelled questions of tests/search; the index
(`build.py`), the question reader (`query.py`) and the ranking (`rank.py`) read them from here.
"""

from __future__ import annotations

# Field weights: a word in the title or in the clinicians' keywords says more than one in the text.
W_TITLE = 2.5
W_KEYWORDS = 2.0
W_PART = 0.5  # a compound part ("lever" in "leverpunctie") counts half in a chapter
# A keyword of several words ("stuk minder", "welke dagen") counts in full only when the question has
# all its words; a word of it alone ("stuk", "dagen") counts this much of a keyword.
W_PHRASE_WORD = 0.5
PHRASE_MARK = "~"  # phrase terms start with it, so they never collide with a word's stem
K1 = 2.0
B = 0.5
# Candidate weights in a question, relative to the word as typed.
Q_PART = 0.6
Q_SYNONYM = 0.8
Q_TYPO = 0.7
# A long word with one known word a typo or two away is that word: "casemaneger", "spoetlijn".
Q_SURE_TYPO = 0.9
SURE_TYPO_LENGTH = 8
Q_OTHER_LANG = 0.5
# What the question asks ("welk nummer", "hoe lang duurt") lifts the chapters that answer that ask
# above chapters that only share a word of context with it.
ASK_BONUS = 2.5
# A topic word right after a context marker ("sinds de uitslag", "na de punctie") counts this much
# when the question has other topic words: it sets the scene, it is not what is asked.
CONTEXT_WEIGHT = 0.4
# The words that make the ask ("welk nummer", "bellen") already lifted its chapters; as topic words
# they count this much, so the other words decide among those chapters (koorts: the spoedlijn).
ASK_WORD_WEIGHT = 0.3
# A sentence with a word that answers the ask ("belt", "minuten") is quoted before one that only
# shares the topic: it gets this much on top.
ANSWER_WEIGHT = 1.5
# ... once per answer word it has, up to this many.
ASK_ANSWERS = 2
# In the choice of the sentence, a word of the chapter's title counts this much: it says which chapter.
TITLE_IN_PASSAGE = 0.3
# Words an ask phrase may skip between its words ("wie stuurt mij door").
ASK_GAP = 2
# How far after a context marker its topic word may stand ("na de eerste punctie").
CONTEXT_REACH = 3
# A question that names this many sections of one chapter ("een ct, een mri en een pet?") is about
# the chapter as a whole.
SECTIONS_FOR_PARENT = 3
# A question that names one section by its title ("de ct", "de spoedlijn") is about that section
# more than about a section that only shares its other words.
NAMED_SECTION_BONUS = 1.5
# A question that names a chapter's title ("wat doet de lever?") gets this much per title fraction.
TITLE_BONUS = 1.0

# In a message of several sentences, a topic word outside the sentences that ask ("mijn man is vorige
# maand geopereerd. ... kan hij in de MRI?") tells the story around the question: it counts this much
# when the asking sentences have a topic word of their own.
STORY_WEIGHT = 0.5

# A word of the folder's subject ("lever", "uitzaaiingen", "metastases") counts this much when the
# question has topic words of its own: "symptoms of liver metastases" asks about symptoms.
SUBJECT_WEIGHT = 0.5

# How far after a verb its separated particle may stand ("hoe komen de uitzaaiingen in de lever terecht").
PARTICLE_REACH = 8

# A runner-up with at least this share of the best score is a close second, worth a button of its own.
CLOSE_RATIO = 0.8
# A folder sentence's own answer words ("wakker", "asleep" for "Dit gebeurt onder lokale verdoving.")
# count this much in its chapter, as keywords; in the passage a sentence with one gets this much extra.
W_ANSWER = 0.5
ANSWER_WORD_BONUS = 1.0
# A story that says where the patient stands, with a vague "wat nu?", names the next chapter this
# strongly (times the highest idf): like a keyword found only there.
JOURNEY_WEIGHT = 2.0
NEXT = "@next:"  # the term that stands for "the next stage is this chapter"
REPORTED = "reported"  # the value of a phrase that only says who said something

# Calibrated on the dev questions, the tests' own questions and out-of-folder questions
# (tests/search): a question must share enough of its informative words with the best chapter
# (coverage) and match it strongly enough (score).
MIN_COVERAGE = 0.4
MIN_SCORE = 2.5
# ... or match strongly with a lower coverage (calibrated so that tests/search/outside_questions.txt stays out).
STRONG_SCORE = 6.0
STRONG_COVERAGE = 0.3
# A word no chapter has counts as fairly, not maximally, informative: patients add words of their own.
UNKNOWN_IMPORTANCE = 0.75
# A word of a topic the folder never covers ("regen", "voetbal", "recept") weighs this much against
# the confidence, and matches nothing.
OTHER_TOPIC_IMPORTANCE = 2.0
