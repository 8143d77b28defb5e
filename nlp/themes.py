"""The nine codebook themes: ids (a contract), names and definitions.

The ids and names come from ``../shared/codebook.md``; ``nlp/themes.yml`` holds
the definitions with should/should-not examples, and a test checks both against
the codebook so that the ids never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

THEMES_FILE = Path(__file__).with_name("themes.yml")

#: Theme ids in codebook order. Other tools and the quality checks rely on them.
THEME_IDS: tuple[str, ...] = (
    "parental_mental_health",
    "housing",
    "volatile_relationships",
    "domestic_abuse",
    "substance_misuse",
    "threshold_disputes",
    "non_compliant_parents",
    "info_sharing",
    "risk_adults",
)

#: The five factors Kent's own analysis of its SCRs found most prevalent.
MISSION_THEMES: tuple[str, ...] = (
    "parental_mental_health",
    "housing",
    "volatile_relationships",
    "threshold_disputes",
    "non_compliant_parents",
)

#: Themes whose every mention codes another theme too, with the id prefix of the
#: implied patterns. The codebook: domestic abuse is coded as volatile
#: relationships too ("code volatile_relationships too").
IMPLIED_THEMES: dict[str, tuple[str, str]] = {"domestic_abuse": ("volatile_relationships", "da")}


@dataclass(frozen=True)
class Theme:
    """One codebook theme."""

    id: str
    name: str
    definition: str
    examples: tuple[str, ...] = ()
    not_this: tuple[str, ...] = ()


@cache
def load_themes(path: Path = THEMES_FILE) -> dict[str, Theme]:
    """Read ``themes.yml`` into ``{id: Theme}`` in codebook order.

    Raises
    ------
    ValueError
        If the file's ids are not exactly :data:`THEME_IDS`.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    themes = {
        item["id"]: Theme(
            id=item["id"],
            name=item["name"],
            definition=item["definition"],
            examples=tuple(item.get("examples", ())),
            not_this=tuple(item.get("not_this", ())),
        )
        for item in raw["themes"]
    }
    if tuple(themes) != THEME_IDS:
        raise ValueError(
            f"{path}: theme ids {list(themes)} differ from the codebook's {list(THEME_IDS)}"
        )
    return themes
