"""The service's vocabulary is defined once: the typing aliases say the same as the tuples."""

from __future__ import annotations

from typing import get_args

from api import models
from api.core import vocabulary as v


def test_literal_aliases_list_exactly_the_defined_words() -> None:
    assert get_args(v.NeedKindName) == v.NEED_KINDS
    assert get_args(v.PersonKindName) == v.PERSON_KINDS
    assert get_args(v.RemoteName) == v.REMOTE_MODES
    assert get_args(v.LevelName) == v.LEVELS
    assert get_args(v.LanguageCodeName) == v.LANGUAGE_CODES
    assert get_args(v.CefrName) == v.CEFR_LEVELS
    assert get_args(v.ResearcherOfferName) == v.RESEARCHER_OFFERS
    assert get_args(v.SelfServiceRole) == v.SELF_SERVICE_ROLES
    assert get_args(v.Role) == v.ROLES
    assert get_args(v.ApplicationStatusName) == v.APPLICATION_STATUSES


def test_database_constraints_use_the_same_words() -> None:
    assert models.NEED_KINDS == v.NEED_KINDS
    assert models.REMOTE == v.REMOTE_MODES
    assert models.LEVELS == v.LEVELS
    assert models.PERSON_KINDS == v.PERSON_KINDS
    assert models.ORGANISATION_KINDS == v.ORGANISATION_KINDS
    assert models.SUGGESTION_STATUSES == v.SUGGESTION_STATUSES
    assert models.APPLICATION_STATUSES == v.APPLICATION_STATUSES
