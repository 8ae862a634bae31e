"""TF-IDF vectors, cosine similarity and average-link clustering in pure Python.

Used by the offline `compare` to group claims that talk about the same point. Nothing is
downloaded: tokens are accent-folded words cut to a fixed prefix, a crude stemmer that maps
French and English inflections ("nucléaire", "nucléaires", "nuclear") to one key.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

PREFIX = 6  # characters kept per word: a language-neutral light stemmer

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)?", re.UNICODE)

STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous est sont ete etre avoir a ont fait plus
    tres tout tous toute toutes cela ceci ca comme si y d l n s c j m t qu aussi alors donc
    the of and or to in on at by for with from as is are was were be been being it its this that
    these those he she they them his her their we our you your i me my not no but if than then so
    has have had do does did will would can could may might should shall must which who whom what
    an also into about over such there here said says say
    """.split()
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Bélarus" and "belarus" are one token."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Content-word keys of a text: folded, elided article removed, stopwords dropped, prefix-cut."""
    result: list[str] = []
    for m in _WORD.finditer(fold(text)):
        word = m.group(0)
        if "'" in word or "’" in word:  # l'escalade -> escalade
            head, _, tail = word.replace("’", "'").partition("'")
            word = tail if len(head) <= 2 else head + tail
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        result.append(word[:PREFIX])
    return result


Vector = dict[str, float]


def tfidf(texts: Sequence[str]) -> list[Vector]:
    """One L2-normalised TF-IDF vector per text (sublinear tf, smoothed idf without the +1 floor,
    so words shared by most claims of one article, such as its topic, weigh next to nothing)."""
    docs = [Counter(tokens(t)) for t in texts]
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vectors: list[Vector] = []
    for d in docs:
        v = {w: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 0.05) for w, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({w: x / norm for w, x in v.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def similarity_matrix(vectors: Sequence[Vector]) -> list[list[float]]:
    n = len(vectors)
    sim = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sim[i][j] = sim[j][i] = cosine(vectors[i], vectors[j])
    return sim


def cluster(sim: list[list[float]], threshold: float) -> list[list[int]]:
    """Average-link agglomerative clustering: merge the closest pair while it is >= threshold."""
    groups: list[list[int]] = [[i] for i in range(len(sim))]

    def link(a: list[int], b: list[int]) -> float:
        return sum(sim[i][j] for i in a for j in b) / (len(a) * len(b))

    while len(groups) > 1:
        best, pair = threshold, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                s = link(groups[x], groups[y])
                if s >= best:
                    best, pair = s, (x, y)
        if pair is None:
            break
        x, y = pair
        groups[x] = sorted(groups[x] + groups[y])
        del groups[y]
    return groups


def centre(group: Sequence[int], sim: list[list[float]]) -> int:
    """The member most similar on average to the rest of its group."""
    return max(group, key=lambda i: (sum(sim[i][j] for j in group), -i))
