"""French lexicons for the offline analyser: reporting verbs (simple and compound tenses),
inverted forms ("a-t-il ajouté"), pronouns, NP boundaries, hedges and boosters."""

from __future__ import annotations

_PARTICIPLES = """
déclaré affirmé dit ajouté expliqué estimé souligné indiqué précisé assuré annoncé écrit
averti prévenu rappelé reconnu confié jugé insisté martelé noté observé déploré dénoncé répondu
poursuivi conclu commenté tweeté raconté révélé admis confirmé démenti nié soutenu argué
considéré lancé fait\\s+valoir fait\\s+savoir signalé relevé prédit promis assuré mis\\s+en\\s+garde
réagi protesté plaidé suggéré laissé\\s+entendre avancé reconnu pensé cru répété tranché
"""
_PRESENT = """
déclare déclarent affirme affirment dit disent ajoute ajoutent explique expliquent estime
estiment souligne soulignent indique indiquent précise précisent assure assurent annonce
annoncent écrit écrivent pense pensent croit croient juge jugent considère considèrent
rappelle rappellent reconnaît reconnaissent prévient préviennent avertit insiste insistent
martèle note notent observe observent déplore déplorent dénonce dénoncent répond répondent
poursuit conclut raconte racontent révèle confirme confirment soutient soutiennent
tweete signale signalent relève relèvent prédit avance avancent suggère suggèrent
déclarait affirmait disait expliquait estimait pensait croyait assurait ajoutait
ajoutant affirmant estimant expliquant précisant soulignant déclarant assurant indiquant
jugeant rappelant avertissant
"""
_AUX = r"(?:a|ont|avait|avaient|aurait|auraient)"
_ADV = r"(?:\s+(?:également|aussi|encore|déjà|ensuite|pourtant|notamment|toutefois|d[ée]j[àa]|bien|même|alors|récemment|publiquement|plusieurs\s+fois|\w+ment))?"
_PART = "|".join(sorted(_PARTICIPLES.split(), key=len, reverse=True))
_PRES = "|".join(sorted(_PRESENT.split(), key=len, reverse=True))
REPORT_VERBS = (r"(?<![\w’'-])(?:" + _AUX + _ADV + r"\s+(?:" + _PART + r")|(?:" + _PRES + r"))(?![\w-])")
# "a-t-il ajouté", "ont-ils déclaré", "ajoute-t-elle", "dit-il", "estiment-ils"
INVERTED_PRONOUN = (r"(?<![\w’'-])(?:(?:a|avait)-t-(?P<p1>il|elle|on)|(?:ont|avaient)-(?P<p2>ils|elles))"
                    r"\s+(?:" + _PART + r")\b|(?<![\w’'-])(?:" + _PRES + r")(?:-t)?-(?P<p3>il|elle|on|ils|elles)\b")
WEAK_FORWARD = {"dénoncé", "dénonce", "confirmé", "confirme",
                "écrit", "lancé", "répondu", "répond", "nié", "démenti", "promis", "conclu",
                "raconté", "raconte", "rappelé", "rappelle", "poursuivi", "poursuit", "relevé",
                "signalé", "observé", "noté", "reconnu", "reconnaît", "commenté"}
TELL_VERBS: set[str] = set()
INVERTIBLE = {"déclaré", "affirmé", "dit", "ajouté", "expliqué", "estimé", "souligné", "indiqué",
              "précisé", "assuré", "écrit", "averti", "prévenu", "rappelé", "confié", "jugé",
              "insisté", "martelé", "noté", "observé", "déploré", "répondu", "poursuivi", "conclu",
              "commenté", "tweeté", "raconté", "déclare", "affirme", "ajoute", "explique",
              "estime", "souligne", "indique", "précise", "assure", "poursuit",
              "conclut", "raconte", "insiste", "martèle", "note", "observe", "rappelle",
              "prévient", "avertit", "répond", "confirme", "lancé", "relevé", "relève", "tranché"}
ACCORDING = r"(?<![\w’'-])(?:selon|d['’]après|de\s+l['’]avis\s+de|aux\s+yeux\s+de)(?![\w-])"
PASSIVE = (r"(?<![\w’'-])(?:considérée?s?|jugée?s?|perçue?s?|vue?s?|décrite?s?|qualifiée?s?|"
           r"présentée?s?|interprétée?s?)\s+par\s+(?P<np>[^,.;:–—]{2,80}?)\s+comme\b")
COMPLEMENTISER = r"(?<![\w’'-])(?:que|qu['’])"
KEEP_COMPLEMENTISER = False

PRONOUNS = {
    "il": ("sg", "m"), "elle": ("sg", "f"), "ils": ("pl", None), "elles": ("pl", "f"),
    "on": ("sg", None), "je": ("sg", None), "nous": ("pl", None),
}
BOUNDARY_WORDS = set("""
que qu qui et mais car lorsque quand dont où si puis alors comme pendant tandis parce afin
pour sans ou donc or ni lorsqu puisque quoique après avant depuis par
""".split())
STRIP_TRAILING = set("""
a ont avait avaient aurait auraient également aussi encore déjà ensuite pourtant notamment
toutefois cependant bien même alors récemment publiquement lui leur y en ne n
""".split())
POST_NP_STOP = set("""
dans lors sur devant pendant après avant lorsque quand alors en à au aux avec pour que qui
mardi lundi mercredi jeudi vendredi samedi dimanche hier samedi ce cette jeudi
""".split())
ORG_HEADS = set("""
gouvernement ministère département office agence police compagnie société entreprise conseil
comité cour commission autorité syndicat association parti administration service institut
université banque groupe organisation équipe club fondation réseau journal ville région état
armée parlement sénat assemblée kremlin élysée maison-blanche mairie préfecture porte-parole
ambassade ministre tribunal parquet
""".split())
DOC_HEADS = set("""
rapport communiqué étude note document lettre sondage enquête compte-rendu compte message
site tweet analyse courrier décision arrêt plainte chiffres données bilan
""".split())
UNNAMED_QUANT = set("""
certains certaines plusieurs plupart nombreux nombreuses beaucoup quelques divers diverses
critiques experts observateurs analystes sources responsables habitants
""".split())
ARTICLES = set("le la les l un une des du de d ce cet cette ces".split())

HEDGES = [
    (r"(?<![\w’'-])(?:ne\s+|n['’])?(?:pourrait|pourraient|pourrais|aurait|auraient|serait|"
     r"seraient|devrait|devraient|semblerait|sembleraient|paraîtrait)(?:\s+pas)?(?![\w-])",
     "conditional"),
    (r"(?<![\w’'-])(?:peut|peuvent|pouvait|pouvaient)\s+(?:être|avoir|sembler)(?![\w-])", "modal"),
    (r"(?<![\w’'-])(?:peut-être|probablement|sans\s+doute|vraisemblablement|apparemment|"
     r"possiblement|éventuellement|potentiellement|supposément|présumément|a\s+priori)(?![\w-])",
     "epistemic"),
    (r"(?<![\w’'-])(?:je|nous)\s+(?:pense|pensons|crois|croyons|suppose|supposons|estime|"
     r"estimons|imagine|doute|doutons|crains)(?![\w-])", "epistemic"),
    (r"(?<![\w’'-])(?:semble|semblent|semblait|paraît|paraissent)(?![\w-])", "epistemic"),
    (r"(?<![\w’'-])(?:j['’]attendrai|nous\s+attendrons|on\s+attendra|il\s+faudra\s+attendre)\s+de\s+voir(?![\w-])",
     "epistemic"),
    (r"(?<![\w’'-])(?:reste\s+à\s+voir|il\s+est\s+possible|il\s+se\s+peut|il\s+est\s+probable)(?![\w-])",
     "epistemic"),
    (r"(?<![\w’'-])selon\s+(?:certains|certaines|plusieurs|des|de\s+nombreux|la\s+plupart\s+des|"
     r"quelques)\s+\w+", "weasel"),
    (r"(?<![\w’'-])(?:considérée?s?|jugée?s?|perçue?s?|vue?s?|décrite?s?)\s+par\s+"
     r"(?:certains|certaines|plusieurs|des|de\s+nombreux|la\s+plupart\s+des|beaucoup\s+d['’]|"
     r"quelques)\s*\w+", "weasel"),
    (r"(?<![\w’'-])(?:certains|certaines|plusieurs|de\s+nombreux|beaucoup\s+d['’]|quelques|"
     r"la\s+plupart\s+des)\s*\w+\s+(?:pensent|estiment|croient|jugent|affirment|disent|"
     r"considèrent|soulignent|redoutent|craignent|supposent|soupçonnent)(?![\w-])", "weasel"),
    (r"(?<![\w’'-])(?:on\s+dit|dit-on|il\s+se\s+dit|il\s+semble)(?![\w-])", "weasel"),
    (r"(?<![\w’'-])(?:même\s+)?s['’]il\s+ne\s+s['’]agit\s+que(?![\w-])", "condition"),
    (r"(?<![\w’'-])si\s+c['’]est\s+(?:ce\s+qui|bien|le\s+cas|vrai)[^,.;:”»\"]*", "condition"),
    (r"(?<![\w’'-])(?:à\s+supposer|en\s+admettant|pour\s+autant)\s+que(?![\w-])", "condition"),
]
BOOSTERS = [
    r"(?<![\w’'-])(?:incontestablement|clairement|évidemment|certainement|indéniablement|"
    r"assurément|forcément|bien\s+sûr|sans\s+aucun\s+doute|sans\s+conteste|de\s+toute\s+évidence|"
    r"absolument|manifestement|en\s+réalité|en\s+fait)(?![\w-])",
]

MONTHS = (r"(?<![\w-])(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
          r"novembre|décembre)(?![\w-])")
WEEKDAYS = r"(?<![\w-])(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|week-end)(?![\w-])"
NUMBER_WORDS = (r"(?<![\w-])(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|trente|"
                r"cent|centaines?|mille|milliers?|millions?|milliards?|dizaines?|pour\s+cent|"
                r"moitié|tiers|quart|double|triple|fois|deuxième|première?|dernière?)(?![\w-])")
COMPARISON = (r"(?<![\w-])(?:plus|moins|davantage|record|hausse|baisse|augment\w+|diminu\w+|"
              r"supérieure?s?|inférieure?s?|majorité|tous|aucun|jamais|depuis)(?![\w-])")
CAUSAL = (r"(?<![\w-])(?:parce\s+qu|car|à\s+cause|en\s+raison|grâce\s+à|provoqu\w+|caus\w+|"
          r"entraîn\w+|conduit|mené\s+à|donc|ainsi|responsable)(?![\w-])")
PREDICTION = r"(?<![\w-])(?:\w+ra|\w+ront|va|vont|prévoit|prévu|prévoient)(?![\w-])"
OPINION = (r"(?<![\w-])(?:je\s+pense|je\s+crois|selon\s+moi|devrait|doit|doivent|faut|"
           r"formidable|terrible|magnifique|honte|merci|bravo|inacceptable|scandaleux)(?![\w-])")
FIRST_PERSON = r"(?<![\w-])(?:je|j['’]|moi|nous|vous)(?![\w-])"
PARTICIPLES = {"ajoutant", "affirmant", "estimant", "expliquant", "précisant", "soulignant",
               "déclarant", "assurant", "indiquant", "jugeant", "rappelant", "avertissant"}

# Formulation de la raison de vérifiabilité (« contient un nombre, une date »).
CHECKWORTHY_REASONS = {
    "contains": "contient ", "none": "aucun détail vérifiable",
    "number": "un nombre", "quantity": "une quantité", "statistic": "une statistique",
    "date": "une date", "entities": "des entités nommées", "comparison": "une comparaison",
    "causal": "un verbe causal ou factuel", "opinion": "des termes d’opinion (abaisse)",
    "question": "une question (abaisse)", "short": "très court (abaisse)",
}
