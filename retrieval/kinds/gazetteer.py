"""Small word lists that type a capitalised name: a place (or its demonym), or a generic term that names nothing."""

from __future__ import annotations

# Demonyms and short forms by the country or region they stand for; a country's own name maps to itself.
COUNTRY_OF: dict[str, str] = {
    "china": "China",
    "chinese": "China",
    "beijing": "China",
    "prc": "China",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "american": "US",
    "washington": "US",
    "russia": "Russia",
    "russian": "Russia",
    "moscow": "Russia",
    "india": "India",
    "indian": "India",
    "japan": "Japan",
    "japanese": "Japan",
    "taiwan": "Taiwan",
    "taiwanese": "Taiwan",
    "korea": "Korea",
    "korean": "Korea",
    "south korea": "South Korea",
    "north korea": "North Korea",
    "uk": "UK",
    "britain": "UK",
    "british": "UK",
    "united kingdom": "UK",
    "france": "France",
    "french": "France",
    "germany": "Germany",
    "german": "Germany",
    "israel": "Israel",
    "israeli": "Israel",
    "iran": "Iran",
    "iranian": "Iran",
    "ukraine": "Ukraine",
    "ukrainian": "Ukraine",
    "saudi arabia": "Saudi Arabia",
    "saudi": "Saudi Arabia",
    "uae": "UAE",
    "qatar": "Qatar",
    "singapore": "Singapore",
    "vietnam": "Vietnam",
    "pakistan": "Pakistan",
    "brazil": "Brazil",
    "canada": "Canada",
    "australia": "Australia",
    "netherlands": "Netherlands",
    "dutch": "Netherlands",
    "philippines": "Philippines",
    "indonesia": "Indonesia",
    "turkey": "Turkey",
    "egypt": "Egypt",
}
# Regions, cities and directions: places, but not countries.
REGIONS = frozenset(
    [
        "eu",
        "europe",
        "european",
        "asia",
        "asian",
        "africa",
        "african",
        "west",
        "western",
        "east",
        "eastern",
        "north",
        "south",
        "indo",
        "pacific",
        "indo-pacific",
        "gulf",
        "london",
        "brussels",
        "middle",
        "global",
        "arabia",
    ]
)
# Capitalised words that name no entity: abbreviations of the subject matter, ranks, model versions.
GENERIC = frozenset(["ai", "llm", "llms", "gpu", "gpus", "cpu", "ceo", "cto", "cfo", "ml", "api", "it", "agi", "pro"])


def is_place(name: str) -> bool:
    """True when every word of the name is a place or a demonym ("Saudi Arabia", "Chinese", "Indo")."""
    lower = name.lower()
    return lower in COUNTRY_OF or all(w in REGIONS or w in COUNTRY_OF for w in lower.split())


def is_generic(name: str) -> bool:
    """True when the name is only generic words, places and model versions ("AI", "Chinese AI", "V4")."""
    words = name.lower().split()
    return all(w in GENERIC or w in REGIONS or w in COUNTRY_OF or any(c.isdigit() for c in w) for w in words)


def organisation(name: str) -> bool:
    """A name that may be an organisation: not a place, not generic, not a bare model version."""
    return not is_place(name) and not is_generic(name)


# Words that make a run of capitalised words an institution or a title rather than a person's name.
_NOT_PERSON = frozenset(
    [
        "house",
        "post",
        "college",
        "university",
        "corporation",
        "corp",
        "group",
        "grid",
        "analysis",
        "institute",
        "agency",
        "ministry",
        "department",
        "council",
        "company",
        "bank",
        "fund",
        "labs",
        "lab",
        "brief",
        "news",
        "times",
        "journal",
        "review",
        "airlines",
        "ai",
    ]
)


def person(name: str) -> bool:
    """A name shaped like a person's: two or three Title-case words, none a place, a generic or an institution."""
    words = name.split()
    return (
        2 <= len(words) <= 3
        and all(w.isalpha() and w[:1].isupper() and not w.isupper() for w in words)
        and not any(w.lower() in _NOT_PERSON or w.lower() in REGIONS or w.lower() in COUNTRY_OF for w in words)
    )
