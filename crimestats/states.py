"""The state of a value, with its French labels and its open-data name: one enum for all.

A stored value (a SSMSI cell, a reported value) is published, zero (a published 0, a real zero)
or suppressed (statistical secrecy: no number, never 0). A territory's sum over its communes is
a lower bound when a member is suppressed or missing: a lower bound only arises from summing,
it is never stored (``STORED``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["STORED", "ValueState"]


class ValueState(StrEnum):
    """``label``: the short French name (a table cell, a value's text); ``long_label``: the
    name that explains itself where nothing else on the page does; ``open_data``: the name in
    the published open data and the API (a published format: never change it).

    >>> ValueState("lower_bound").label, ValueState.SUPPRESSED.long_label
    ('borne inférieure', 'non diffusée (secret statistique)')
    >>> [state.open_data for state in ValueState]
    ['publiee', 'zero', 'non_diffusee', 'borne_inferieure']
    >>> ValueState.from_open_data("non_diffusee") is ValueState.SUPPRESSED
    True
    """

    label: str
    long_label: str
    open_data: str

    def __new__(cls, value: str, label: str, long_label: str, open_data: str) -> ValueState:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.long_label = long_label
        member.open_data = open_data
        return member

    PUBLISHED = "published", "publiée", "publiée", "publiee"
    ZERO = "zero", "zéro publié", "zéro publié", "zero"
    SUPPRESSED = (
        "suppressed",
        "non diffusée",
        "non diffusée (secret statistique)",
        "non_diffusee",
    )
    LOWER_BOUND = (
        "lower_bound",
        "borne inférieure",
        "borne inférieure (une commune au moins non diffusée)",
        "borne_inferieure",
    )

    @classmethod
    def from_open_data(cls, name: str) -> ValueState:
        """The state of an open-data name; KeyError for an unknown one."""
        return {state.open_data: state for state in cls}[name]

    @property
    def is_known(self) -> bool:
        """A figure to read as it is: published or zero (not hidden, not a minimum)."""
        return self in (ValueState.PUBLISHED, ValueState.ZERO)


STORED: Final = (ValueState.PUBLISHED, ValueState.ZERO, ValueState.SUPPRESSED)
"""The states a stored value may have, in the order of the stored state numbers (0, 1, 2)."""
