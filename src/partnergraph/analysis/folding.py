"""Names as matching compares them: folded names, acronyms, website domains, and the candidate record.

The rules are documented in docs/import-format.md#duplicates; `partnergraph.analysis.matching`
(duplicates) and `partnergraph.analysis.lookup` (forgiving lookups) build on them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from partnergraph.schema import ORGANISATIONS, Kind

# Legal forms that say nothing about which organisation it is, as folded token runs; dropped from
# the end of a name. "Foundation"/"Stiftung" and "Association" stay: they are part of names
# ("Mozilla Foundation" is not "Mozilla Corporation").
LEGAL_SUFFIXES = (
    ("e", "v"), ("ev",), ("eingetragener", "verein"), ("ggmbh",), ("gmbh",), ("ltd",), ("limited",), ("inc",),
    ("incorporated",), ("llc",), ("asbl",), ("vzw",), ("plc",), ("cic",), ("ag",), ("corp",),
)
# Words skipped when an acronym is made from a name's initials ("Access to Knowledge" -> "ak").
ACRONYM_STOPWORDS = frozenset((
    "of", "for", "the", "and", "in", "on", "at", "to", "a", "an", "de", "des", "du", "la", "le", "les", "der",
    "die", "das", "fur", "und", "et", "y", "del", "di", "da", "van", "von", "och", "og",
))
# Hosts many organisations share (social media, blog hosts, mail providers): a page there says
# nothing about which organisation it is.
SHARED_HOSTS = frozenset((
    "facebook.com", "twitter.com", "x.com", "linkedin.com", "instagram.com", "youtube.com", "github.com",
    "medium.com", "wordpress.com", "blogspot.com", "google.com", "sites.google.com", "wikipedia.org",
    "meta.wikimedia.org", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "mastodon.social",
))

_SUFFIX_ENDS: dict[str, list[tuple[str, ...]]] = {}
for _suffix in LEGAL_SUFFIXES:
    _SUFFIX_ENDS.setdefault(_suffix[-1], []).append(_suffix)
_NOT_WORD = re.compile(r"[\W_]+")
_ACRONYM_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,7}$")


def plain(text: str) -> str:
    """Return `text` without case, accents, punctuation and repeated spaces ("École  d'Art" -> "ecole d art").

    What a lookup compares: two spellings of one name that only these tell apart are the same name.
    """
    lowered = text.casefold()
    if not lowered.isascii():  # most names are ASCII: no decomposition to do
        lowered = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", lowered.replace("&", " and ")).split())


def fold(text: str) -> str:
    """Return the name that duplicates are compared by: `plain`, without a leading "the" or a legal suffix.

    "The Nordic Digital Rights Forum e.V." and "nordic digital-rights forum" both fold to
    "nordic digital rights forum"; "A & B" and "A and B" to "a and b". A name that is only a legal
    form keeps it (folding never gives an empty name for a non-empty one).
    """
    words = plain(text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    stripped = True
    while stripped and len(words) > 1 and words[-1] in _SUFFIX_ENDS:
        stripped = False
        for suffix in _SUFFIX_ENDS[words[-1]]:
            if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
                words = words[:-len(suffix)]
                stripped = True
                break
    return " ".join(words)


def acronym(text: str) -> str | None:
    """Return the initials of a name of two words or more, skipping small words ("European Digital Rights" -> "edr").

    None for a name of fewer than two significant words. A short name matches an acronym when it
    is the acronym or the acronym and one more letter ("EDRi"; see `is_acronym_of`).
    """
    return initials(fold(text))


def initials(folded: str) -> str | None:
    """Return `acronym` of a name already folded."""
    words = [w for w in folded.split() if w not in ACRONYM_STOPWORDS]
    if len(words) < 2:
        return None
    return "".join(w[0] for w in words)


def looks_like_acronym(text: str) -> bool:
    """Return whether a name is written as an acronym: one word of 2-8 letters, at least two of them capitals."""
    word = text.strip().replace(".", "")
    return bool(_ACRONYM_WORD.match(word)) and sum(c.isupper() for c in word) >= 2


def is_acronym_of(short: str, long: str) -> bool:
    """Return whether `short` is written as an acronym of `long` ("EDRi", "European Digital Rights").

    The acronym is the initials of `long`'s significant words, or those and one more letter in
    lower case ("EDRi": "i" for initiative).
    """
    if not looks_like_acronym(short):
        return False
    initials = acronym(long)
    written = short.strip().replace(".", "")
    word = written.casefold()
    return initials is not None and len(initials) >= 2 and (
        word == initials or (written[-1].islower() and word[:-1] == initials))


def domain(url: str) -> str | None:
    """Return the host of a website, lower case, without "www." (scheme, port, path and a trailing / ignored).

    "https://www.Example.org/about/" and "example.org" both give "example.org"; None when there
    is no host with a dot.
    """
    text = url.strip().lower()
    if not text:
        return None
    text = text.split("://", 1)[1] if "://" in text else text.removeprefix("//")
    host = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    host = host.removeprefix("www.")
    if "." not in host or len(host.split()) != 1:
        return None
    return host


def family(kind: Kind) -> str:
    """Return the family that duplicates are sought within: organisations, people, issues or events."""
    if kind in ORGANISATIONS:
        return "organisation"
    return {Kind.CONTACT: "person", Kind.EVENT: "event"}.get(kind, "issue")


@dataclass(frozen=True)
class Candidate:
    """An element as matching sees it: an incoming row or an element already in the store."""

    key: str
    kind: Kind
    name: str
    aliases: tuple[str, ...] = ()
    website: str | None = None
    email: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Return the name and the aliases."""
        return (self.name, *self.aliases)
