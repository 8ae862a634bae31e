"""English lexicons for the offline analyser: reporting verbs, pronouns, NP boundaries, hedges,
boosters and check-worthiness markers. Regex fragments are matched case-insensitively unless
noted; they describe the language, never particular articles."""

from __future__ import annotations

# Finite reporting verbs (speech, writing, cognition used for attribution).
_VERBS = """
said says say saying told tells tell telling added adds adding wrote writes writing noted notes
noting claimed claims claiming argued argues arguing warned warns warning announced announces
stated states explained explains explaining insisted insists suggested suggests suggesting urged
urges admitted admits admitting acknowledged acknowledges conceded concedes confirmed confirms
tweeted tweets testified testifies testifying believes believe thinks think described describes
describing asked replied replies responded responds recalled recalls commented comments
observed observes emphasized emphasised emphasizes stresses stressed predicted predicts estimated
estimates reported reports alleged alleges alleging denied denies maintained maintains contended
contends declared declares agreed agrees complained complains lamented laments joked quipped
remarked cautioned cautions pointed\\s+out points\\s+out continued continues concluded
acknowledging explained announced revealed reveals wondered mused blurted shouted countered
advised advises vowed vows pledged promised promises proclaimed asserted asserts charged
"""
REPORT_VERBS = r"\b(?:" + "|".join(sorted(_VERBS.split(), key=len, reverse=True)) + r")\b"
# Verbs that report words only when a quotation follows them ("a move X called "long overdue"").
NAMING_VERBS = r"\b(?:called|calls|dubbed|dubs|labelled|labeled)\b(?:\s+(?:it|them|this|that))?(?=\s*[\"“])"
# Verbs whose forward clause is unreliable without "that" (they also take plain objects).
WEAK_FORWARD = {"added", "adds", "described", "describes", "describing", "asked", "promised", "promises", "vowed",
                "vows", "pledged", "continued", "continues", "commented", "comments", "agreed",
                "agrees", "denied", "denies", "reported", "reports",
                "confirmed", "confirms", "revealed", "reveals", "urged", "urges", "charged",
                "admitted", "admits", "recalled", "recalls", "wrote", "writes", "writing"}
TELL_VERBS = {"told", "tells", "tell", "telling", "urged", "urges", "advised", "advises", "asked",
              "warned", "warns", "reminded"}
INVERTIBLE = {"said", "says", "added", "adds", "wrote", "writes", "asked", "explained", "noted",
              "continued", "replied", "recalled", "argued", "warned", "insisted", "tweeted",
              "stated", "observed", "commented", "remarked", "concluded", "declared", "quipped",
              "joked", "countered", "cautioned", "stressed", "emphasized", "emphasised"}
ACCORDING = r"\baccording\s+to\b"
PASSIVE = (r"\b(?:seen|viewed|considered|regarded|described|perceived|judged|characterized|"
           r"characterised)\s+by\s+(?P<np>[^,.;:]{2,80}?)\s+as\b")
COMPLEMENTISER = r"\bthat\b"
KEEP_COMPLEMENTISER = True  # GGT-style spans include "that"

PRONOUNS = {  # pronoun -> (number, gender); gender None = any
    "he": ("sg", "m"), "she": ("sg", "f"), "they": ("pl", None), "it": ("org", None),
    "i": ("sg", None), "we": ("pl", None),
}
BOUNDARY_WORDS = set("""
that and but as because while when which where if so than then after before since though although
whereas whom whose what how why who or nor yet once until unless also by
""".split())
STRIP_TRAILING = set("""
has have had is was were are be been will would could should did does do not never always already
also later earlier previously further then again recently once repeatedly publicly often just
frequently reportedly privately initially originally last this week month year today yesterday
""".split())
POST_NP_STOP = set("""
in on at during while after before to when with from about of for as that in an
""".split()) - {"of"}
ORG_HEADS = set("""
government ministry department office agency police force company corporation council committee
board court commission authority union association party administration service services
institute university college bank group inc ltd corp organization organisation team club
league foundation network newspaper station city province state county army military navy
parliament senate congress house campaign center centre hospital school spokesperson
""".split())
DOC_HEADS = set("""
report statement study memo document letter survey poll release email e-mail website post
tweet analysis paper filing ruling decision lawsuit complaint data figures statistics
""".split())
UNNAMED_QUANT = set("""
some many several most certain few numerous various critics experts observers analysts sources
officials residents people others
""".split())
ARTICLES = set("the a an this that these those".split())

HEDGES = [
    # (regex, kind)
    (r"\b(?:may|might|could)(?:\s+not|n't)?\b", "modal"),
    (r"\b(?:probably|possibly|perhaps|maybe|likely|unlikely|apparently|presumably|seemingly|"
     r"arguably|allegedly|reportedly|supposedly|purportedly|potentially|conceivably)\b",
     "epistemic"),
    (r"\b(?:seems?|seemed|appears?|appeared|suggests?|suggested|indicates?|indicated)\s+(?:to|that)\b",
     "epistemic"),
    (r"\b(?:i|we)\s+(?:think|believe|guess|suspect|assume|suppose|feel|expect|hope)\b", "epistemic"),
    (r"\b(?:it\s+is|it's|it\s+was)\s+(?:said|believed|thought|claimed|reported|rumou?red|"
     r"alleged|considered|argued|suggested|estimated|expected|understood)\b", "weasel"),
    (r"\b(?:is|are|was|were|be|been|being)\s+(?:often\s+|widely\s+|generally\s+|sometimes\s+)?"
     r"(?:said|believed|thought|claimed|reported|rumou?red|alleged|considered|regarded|"
     r"described|seen|viewed|known|suggested|estimated|expected|supposed|presumed|credited)"
     r"\s+(?:to|as|by)\b", "weasel"),
    (r"\b(?:widely|generally|commonly|popularly|often|sometimes|frequently|"
     r"traditionally|largely|mostly|mainly|supposedly)\b", "weasel"),
    (r"\b(?:some|many|several|various|numerous|certain|most|few|countless)\s+"
     r"(?:\w+\s+)?(?:people|experts|critics|observers|analysts|scholars|historians|sources|"
     r"researchers|scientists|commentators|fans|officials|members|writers|reviewers|users|"
     r"authors|others|believe|consider|say|claim|argue|suggest|think)\b", "weasel"),
    (r"\b(?:some|many|others|critics|experts|observers|analysts|scholars|historians)\s+"
     r"(?:have\s+)?(?:say|said|argue|argued|claim|claimed|believe|believed|suggest|suggested|"
     r"consider|considered|think|thought|note|noted|contend|speculate)\b", "weasel"),
    (r"\bone\s+of\s+the\s+(?:most|best|greatest|largest|leading|first|finest|top|few|earliest)\b",
     "weasel"),
    (r"\b(?:is|are|was|were)\s+(?:considered|regarded|known|recognized|recognised|"
     r"acknowledged|acclaimed|praised|hailed|touted)\b", "weasel"),
    (r"\b(?:notable|notably|noted|renowned|famous|famously|well-known|well\s+known|"
     r"prominent|influential|significant|leading|acclaimed|legendary|particularly|"
     r"popular|successful|best-known|best\s+known)\b", "weasel"),
    # vague quantities standing in for a source or a count (Wikipedia's "weasel words")
    (r"\b(?:some|many|most|numerous|various|several|others|critics|fans|majority)\b", "weasel"),
    # vague degree: the writer declines to commit to a measure
    (r"\b(?:relatively|rather|somewhat|fairly|considerable|considerably|widespread|"
     r"sort\s+of|kind\s+of|arguably|virtually|so-called)\b", "epistemic"),
    (r"\b(?:considered|thought|regarded|believed|estimated|rumou?r(?:s|ed)?)\b", "weasel"),
    (r"\b(?:argue|argued|suggest|suggested|claim|claims)\b", "weasel"),
    (r"\bif\s+(?:true|so|confirmed|that\s+is\s+(?:what|the\s+case))\b", "condition"),
    (r"\b(?:remains|remain)\s+to\s+be\s+seen\b|\bwait\s+and\s+see\b", "epistemic"),
    (r"\b(?:unclear|uncertain|unknown|not\s+clear|not\s+known|not\s+sure)\b", "epistemic"),
]
BOOSTERS = [
    r"\b(?:clearly|certainly|undoubtedly|undeniably|obviously|definitely|surely|indeed|"
    r"absolutely|unquestionably|of\s+course|without\s+(?:a\s+)?doubt|no\s+doubt|evidently|"
    r"in\s+fact|always|never)\b",
]

MONTHS = (r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\b")
WEEKDAYS = r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|last\s+(?:week|year|month))\b"
NUMBER_WORDS = (r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                r"thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|"
                r"percent|per\s+cent|half|third|quarter|twice|double|triple|times)\b")
COMPARISON = (r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|most|least|"
              r"increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|grew|grown|doubled|tripled|"
              r"cut|cuts|record|highest|lowest|largest|worst|best|than|compared|since|up|down|"
              r"only|first|last|biggest|every|all|none|no\s+one|nobody)\b")
CAUSAL = (r"\b(?:because|due\s+to|caused?|causing|led\s+to|leads?\s+to|result(?:ed|s)?\s+(?:in|of)|"
          r"as\s+a\s+result|therefore|thanks\s+to|so\s+that|responsible\s+for|blamed?|"
          r"created|killed|lost|passed|voted|signed|spent|paid|raised|funded|cost|costs)\b")
PREDICTION = r"\b(?:will|going\s+to|would|plans?\s+to|expected\s+to|forecast|predict\w*)\b"
OPINION = (r"\b(?:i\s+think|i\s+believe|i\s+feel|we\s+believe|should|must|ought|great|"
           r"wonderful|terrible|horrible|beautiful|amazing|incredible|love|hate|hope|wish|"
           r"thank|thanks|proud|honou?red|god|bless|let\s+me|let's|welcome|applause|"
           r"good\s+evening|tonight|congratulations|folks|please|want|believe|fantastic|"
           r"tremendous|nice|happy|glad|sad|fun|laughter)\b")
FIRST_PERSON = r"\b(?:i|i'm|i've|me|my|we're|you|your)\b"
INVERTED_PRONOUN: str | None = None  # English has no "a-t-il" inversion
PARTICIPLES = {"saying", "adding", "writing", "noting", "explaining", "arguing", "warning", "claiming",
               "suggesting", "insisting", "stating", "telling", "acknowledging", "describing"}

# Wording of the check-worthiness reason ("contains a number, a date").
CHECKWORTHY_REASONS = {
    "contains": "contains ", "none": "no checkable detail",
    "number": "a number", "quantity": "a quantity", "statistic": "a statistic", "date": "a date",
    "entities": "named entities", "comparison": "a comparison",
    "causal": "a causal or factual verb", "opinion": "opinion wording (lowers)",
    "question": "a question (lowers)", "short": "very short (lowers)",
}
