"""Staff roles: what a signed-in member of NVSI staff may do."""

from __future__ import annotations

import enum


class StaffRole(enum.StrEnum):
    MEDEWERKER = "medewerker"  # makes, sends and follows packages
    BEHEERDER = "beheerder"  # also manages users, API tokens and the contract templates

    @property
    def label(self) -> str:
        return {StaffRole.MEDEWERKER: "Medewerker", StaffRole.BEHEERDER: "Beheerder"}[self]
