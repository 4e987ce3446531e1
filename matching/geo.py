"""Gazetteer of Côte d'Opale towns with their coordinates, territories and great-circle distances."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matching.types import Place

BOULOGNE: Final = "Boulogne-sur-Mer"
CALAIS: Final = "Calais"
DUNKERQUE: Final = "Dunkerque"
LE_TOUQUET: Final = "Le Touquet"

# The four territories of the demo region, in a stable order.
TERRITORIES: Final[tuple[str, ...]] = (BOULOGNE, CALAIS, DUNKERQUE, LE_TOUQUET)

# Mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM: Final = 6371.0088


class Town(NamedTuple):
    """Coordinates of a town (WGS84 degrees, town centre) and its territory, if any."""

    lat: float
    lon: float
    territory: str | None


# Canonical name -> town. Territories follow the intercommunalities / arrondissements:
# Boulonnais, Calaisis, Dunkerquois and Montreuillois (named after Le Touquet).
TOWNS: Final[dict[str, Town]] = {
    # Boulonnais
    "Boulogne-sur-Mer": Town(50.7264, 1.6147, BOULOGNE),
    "Outreau": Town(50.7056, 1.5944, BOULOGNE),
    "Le Portel": Town(50.7069, 1.5733, BOULOGNE),
    "Saint-Martin-Boulogne": Town(50.7264, 1.6431, BOULOGNE),
    "Saint-Étienne-au-Mont": Town(50.6778, 1.6300, BOULOGNE),
    "Wimereux": Town(50.7697, 1.6108, BOULOGNE),
    "Wimille": Town(50.7636, 1.6314, BOULOGNE),
    "Neufchâtel-Hardelot": Town(50.6203, 1.6403, BOULOGNE),
    "Marquise": Town(50.8125, 1.7086, BOULOGNE),
    "Desvres": Town(50.6686, 1.8339, BOULOGNE),
    # Calaisis
    "Calais": Town(50.9513, 1.8587, CALAIS),
    "Coquelles": Town(50.9283, 1.7985, CALAIS),
    "Coulogne": Town(50.9242, 1.8850, CALAIS),
    "Marck": Town(50.9497, 1.9497, CALAIS),
    "Guînes": Town(50.8686, 1.8711, CALAIS),
    "Ardres": Town(50.8550, 1.9786, CALAIS),
    "Sangatte": Town(50.9456, 1.7547, CALAIS),
    # Dunkerquois
    "Dunkerque": Town(51.0343, 2.3768, DUNKERQUE),
    "Grande-Synthe": Town(51.0139, 2.3028, DUNKERQUE),
    "Coudekerque-Branche": Town(51.0225, 2.3931, DUNKERQUE),
    "Saint-Pol-sur-Mer": Town(51.0314, 2.3444, DUNKERQUE),
    "Leffrinckoucke": Town(51.0353, 2.4622, DUNKERQUE),
    "Téteghem": Town(51.0189, 2.4406, DUNKERQUE),
    "Gravelines": Town(50.9864, 2.1281, DUNKERQUE),
    "Bourbourg": Town(50.9475, 2.1958, DUNKERQUE),
    "Bergues": Town(50.9686, 2.4333, DUNKERQUE),
    "Loon-Plage": Town(50.9967, 2.2183, DUNKERQUE),
    # Montreuillois
    "Le Touquet-Paris-Plage": Town(50.5211, 1.5856, LE_TOUQUET),
    "Étaples": Town(50.5128, 1.6397, LE_TOUQUET),
    "Cucq": Town(50.4772, 1.6186, LE_TOUQUET),
    "Camiers": Town(50.5711, 1.6108, LE_TOUQUET),
    "Merlimont": Town(50.4561, 1.6131, LE_TOUQUET),
    "Berck": Town(50.4075, 1.5928, LE_TOUQUET),
    "Montreuil-sur-Mer": Town(50.4647, 1.7636, LE_TOUQUET),
    "Hesdin": Town(50.3736, 2.0381, LE_TOUQUET),
    # Around the region (mobility)
    "Saint-Omer": Town(50.7500, 2.2522, None),
    "Longuenesse": Town(50.7364, 2.2436, None),
    "Lille": Town(50.6292, 3.0573, None),
    "Arras": Town(50.2910, 2.7775, None),
    "Amiens": Town(49.8942, 2.2958, None),
    "Paris": Town(48.8566, 2.3522, None),
}

# Other spellings people type, normalised like lookup keys, -> canonical name.
_ALIASES: Final[dict[str, str]] = {
    "boulogne": "Boulogne-sur-Mer",
    "boulogne sur mer": "Boulogne-sur-Mer",
    "le touquet": "Le Touquet-Paris-Plage",
    "touquet": "Le Touquet-Paris-Plage",
    "le touquet paris plage": "Le Touquet-Paris-Plage",
    "berck sur mer": "Berck",
    "dunkirk": "Dunkerque",
    "duinkerke": "Dunkerque",
    "hardelot": "Neufchâtel-Hardelot",
    "montreuil": "Montreuil-sur-Mer",
}

_SEPARATORS: Final = re.compile(r"[\s\-‐‑–—'’_.]+")


def _key(name: str) -> str:
    """Lookup key: no accents, case-folded, hyphens/apostrophes/spaces as single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _SEPARATORS.sub(" ", bare).split()
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w for w in words)


_INDEX: Final[dict[str, str]] = {_key(name): name for name in TOWNS} | _ALIASES


def canonical_town(town: str) -> str | None:
    """Canonical spelling of a known town ("boulogne sur mer" -> "Boulogne-sur-Mer")."""
    return _INDEX.get(_key(town))


def find_place(town: str) -> Place | None:
    """The place of a known town, whatever its case, accents or hyphens; None if unknown."""
    name = canonical_town(town)
    if name is None:
        return None
    info = TOWNS[name]
    return Place(town=name, lat=info.lat, lon=info.lon)


def territory_of(town: str) -> str | None:
    """Territory of a known town, None for unknown towns and towns outside the four."""
    name = canonical_town(town)
    return None if name is None else TOWNS[name].territory


def towns_in(territory: str | None) -> tuple[str, ...]:
    """Canonical names of the towns of a territory (None: the towns outside the four)."""
    return tuple(name for name, info in TOWNS.items() if info.territory == territory)


def haversine_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in kilometres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_matrix_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distances (km) between n points and m points, as an (n, m) matrix."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64).ravel())[:, None]
    l1 = np.radians(np.asarray(lon1, dtype=np.float64).ravel())[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=np.float64).ravel())[None, :]
    l2 = np.radians(np.asarray(lon2, dtype=np.float64).ravel())[None, :]
    if p1.shape != l1.shape or p2.shape != l2.shape:
        raise ValueError("latitude and longitude arrays must have the same length")
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out
