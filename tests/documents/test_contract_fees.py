"""The gebruiksovereenkomst prints the fee as it will be invoiced: the first year pro rata
with the rule, and VAT per the configured position (amounts worked out by hand)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.documents.context import build_context
from app.domain.reference import Contract
from app.domain.reference import ProRata
from app.domain.reference import ReferenceData
from app.domain.reference import VatPosition
from app.domain.rules import DocumentKind
from app.domain.rules import PackageRequest
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package

from tests.documents.builders import REFERENCE
from tests.documents.builders import docx_text
from tests.documents.builders import facts
from tests.documents.builders import normalise

EXEMPT = "De vergoeding is vrijgesteld van omzetbelasting (btw)."


def contract_text(renderer, start: dt.date, **policy) -> str:
    association = REFERENCE.association.model_copy(update={"contract": Contract(**policy)})
    reference = ReferenceData(REFERENCE.solutions, REFERENCE.fee_years, association)
    package = facts()
    request = PackageRequest(package.organisation.kind, package.involvement,
                             (SolutionRequest("wijkteamdossier", start),))
    package = dataclasses.replace(package, reference=reference,
                                  plan=plan_package(request, package.on_file, reference))
    planned = next(d for d in package.plan.documents
                   if d.kind is DocumentKind.GEBRUIKSOVEREENKOMST)
    return normalise(docx_text(renderer.render(planned.kind, build_context(package, planned))))


def test_taxed_start_on_1_march_per_started_month(renderer):
    text = contract_text(renderer, dt.date(2026, 3, 1), vat_position=VatPosition.BELAST,
                         vat_rate="21", pro_rata=ProRata.MAAND)
    # 10113.75 × 10/12 = 8428.13; 21% = 1769.91; 10198.04 including VAT
    for needle in ("per begonnen maand", "Naar rato: 10 van 12 maanden € 8.428,13",
                   "Omzetbelasting (btw) 21% € 1.769,91",
                   "Te betalen inclusief btw € 10.198,04",
                   "Alle bedragen zijn exclusief omzetbelasting (btw)"):
        assert needle in text, needle
    assert EXEMPT not in text


@pytest.mark.parametrize("position", [VatPosition.VRIJGESTELD, VatPosition.NIET_BELAST])
def test_exempt_start_on_14_december_per_day(renderer, position):
    text = contract_text(renderer, dt.date(2026, 12, 14), vat_position=position,
                         vat_text=EXEMPT, pro_rata=ProRata.DAG)
    # 10113.75 × 18/365 = 498.76, no VAT
    for needle in ("per dag: de jaarvergoeding maal het aantal dagen",
                   "Naar rato: 18 van 365 dagen € 498,76", "Te betalen (zonder btw) € 498,76",
                   EXEMPT):
        assert needle in text, needle
    assert "inclusief btw" not in text and "exclusief omzetbelasting" not in text


def test_the_policy_values_are_printed(renderer):
    text = contract_text(renderer, dt.date(2026, 3, 1), notice_months=6,
                         liability_cap="125000.00", payment_days=45, forum="Amsterdam")
    for needle in ("met een opzegtermijn van zes maanden", "tot ten hoogste € 125.000,00 per "
                   "kalenderjaar", "betaalt binnen 45 dagen na de factuurdatum",
                   "de bevoegde rechter van de rechtbank Amsterdam"):
        assert needle in text, needle
