"""The gazetteer: tolerant town lookup, territories and great-circle distances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching.geo import (
    TERRITORIES,
    TOWNS,
    canonical_town,
    distance_matrix_km,
    find_place,
    haversine_km,
    territory_of,
    towns_in,
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Boulogne-sur-Mer", "Boulogne-sur-Mer"),
        ("boulogne sur mer", "Boulogne-sur-Mer"),
        ("BOULOGNE-SUR-MER", "Boulogne-sur-Mer"),
        ("  Boulogne   sur   Mer ", "Boulogne-sur-Mer"),
        ("etaples", "Étaples"),
        ("ÉTAPLES", "Étaples"),
        ("guines", "Guînes"),
        ("saint etienne au mont", "Saint-Étienne-au-Mont"),
        ("St-Etienne-au-Mont", "Saint-Étienne-au-Mont"),
        ("neufchatel hardelot", "Neufchâtel-Hardelot"),
        ("le touquet", "Le Touquet-Paris-Plage"),
        ("Le Touquet–Paris–Plage", "Le Touquet-Paris-Plage"),
        ("teteghem", "Téteghem"),
        ("Dunkirk", "Dunkerque"),
    ],
)
def test_lookup_ignores_accents_case_and_hyphens(typed: str, canonical: str) -> None:
    assert canonical_town(typed) == canonical
    place = find_place(typed)
    assert place is not None
    assert place.town == canonical
    assert (place.lat, place.lon) == (TOWNS[canonical].lat, TOWNS[canonical].lon)


@pytest.mark.parametrize("typed", ["", "Atlantis", "Boulogne-Billancourt", "Calais-Nord"])
def test_unknown_towns(typed: str) -> None:
    assert find_place(typed) is None
    assert territory_of(typed) is None


def test_territories() -> None:
    assert territory_of("gravelines") == "Dunkerque"
    assert territory_of("Coquelles") == "Calais"
    assert territory_of("wimereux") == "Boulogne-sur-Mer"
    assert territory_of("berck") == "Le Touquet"
    assert territory_of("Saint-Omer") is None  # known, but outside the four territories
    for territory in TERRITORIES:
        towns = towns_in(territory)
        assert len(towns) >= 5
        assert all(territory_of(town) == territory for town in towns)


def test_boulogne_calais_distance() -> None:
    boulogne, calais = find_place("Boulogne-sur-Mer"), find_place("Calais")
    assert boulogne is not None and calais is not None
    km = haversine_km(boulogne, calais)
    assert 27 <= km <= 35
    assert haversine_km(calais, boulogne) == pytest.approx(km)
    assert haversine_km(calais, calais) == 0.0


def test_distances_are_plausible() -> None:
    def km(a: str, b: str) -> float:
        pa, pb = find_place(a), find_place(b)
        assert pa is not None and pb is not None
        return haversine_km(pa, pb)

    assert 35 <= km("Calais", "Dunkerque") <= 45
    assert 20 <= km("Boulogne-sur-Mer", "Le Touquet") <= 25
    assert 200 <= km("Dunkerque", "Paris") <= 270


def test_matrix_equals_scalar_function() -> None:
    places = [find_place(name) for name in TOWNS]
    assert all(p is not None for p in places)
    lat = [p.lat for p in places if p is not None]
    lon = [p.lon for p in places if p is not None]
    matrix = distance_matrix_km(lat, lon, lat, lon)
    assert matrix.shape == (len(places), len(places))
    expected = np.array(
        [[haversine_km(a, b) for b in places if b is not None] for a in places if a is not None]
    )
    np.testing.assert_allclose(matrix, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-9)
    assert np.all(np.diag(matrix) == 0.0)


def test_matrix_rectangular_and_scalar_inputs() -> None:
    names = list(TOWNS)
    left, right = names[:3], names[3:8]
    pl = [TOWNS[n] for n in left]
    pr = [TOWNS[n] for n in right]
    matrix = distance_matrix_km(
        [t.lat for t in pl], [t.lon for t in pl], [t.lat for t in pr], [t.lon for t in pr]
    )
    assert matrix.shape == (3, 5)
    for (i, a), (j, b) in itertools.product(enumerate(left), enumerate(right)):
        pa, pb = find_place(a), find_place(b)
        assert pa is not None and pb is not None
        assert matrix[i, j] == pytest.approx(haversine_km(pa, pb), rel=1e-9)
    single = distance_matrix_km(50.7264, 1.6147, 50.9513, 1.8587)
    assert single.shape == (1, 1)


def test_matrix_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        distance_matrix_km([50.0, 51.0], [1.6], [50.5], [1.8])
