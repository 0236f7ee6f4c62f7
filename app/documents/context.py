"""The template context of one planned document, built from the package's facts.

`build_context(facts, planned)` returns a plain dict of str, bool, list and dict values: every
amount and date is already written the Dutch way (app.domain.formatting), and every text is
cleaned of characters that XML 1.0 cannot carry. Escaping `&`, `<`, `>` and quotes is the
renderer's job (Jinja autoescape), so the context holds the text exactly as typed.

The keys are the same for every kind, except that a gebruiksovereenkomst also gets `solution`,
`start` and `fee` (its own solution). CONTEXT_KEYS and SOLUTION_KEYS list them.

`contract` holds NVSI's policy values (notice period, liability cap, payment term, forum, VAT
position, pro-rata rule) from config/data/association.toml, each already written out the way
the contract prints it. `fee_years` is the fee table per calendar year, as the invoices will be
sent: each year at its own rates, never two years added up.
"""

from __future__ import annotations

import re
from decimal import Decimal
import unicodedata
from typing import Any

from app.domain.council import CouncilReaction
from app.domain.facts import PackageFacts
from app.domain.fees import Charge
from app.domain.fees import Fee
from app.domain.fees import Share
from app.domain.fees import YearCharges
from app.domain.formatting import format_date
from app.domain.formatting import format_money
from app.domain.formatting import format_percentage
from app.domain.formatting import format_postcode
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.reference import Contract
from app.domain.reference import ProRata
from app.domain.reference import Solution
from app.domain.reference import SurchargeKind
from app.domain.reference import VatPosition
from app.domain.rules import PARTICIPANT_WARNING
from app.domain.rules import DocumentKind
from app.domain.rules import PlannedDocument
from app.domain.salutation import formal_salutation
from app.domain.signatory import SignatoryCapacity
from app.domain.signatory import authority_text

DOTS = "…………………………………"  # a line to fill in by hand, where a value is not known yet

CONTEXT_KEYS = frozenset({
    "nvsi", "board", "voorwaarden", "package", "document", "organisation", "contact",
    "signatory", "breach_notice_hours", "council_deadline", "council_deadline_text",
    "needs_council", "participant_warning", "has_verwerkersovereenkomst",
    "verwerkersovereenkomst_on", "documents", "skipped", "fees", "fees_total", "solutions",
    "second_signatory", "volmacht", "council", "college_decision",
    "contract", "fee_years", "verwerkersovereenkomst_pending",
})
SOLUTION_KEYS = frozenset({"solution", "start", "fee"})

# Characters XML 1.0 cannot hold: C0 controls other than tab and newline, lone surrogates and
# the two non-characters U+FFFE/U+FFFF. A carriage return becomes a newline.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")


def clean(text: str | None) -> str:
    """Return `text` in NFC with the characters XML cannot carry removed; None gives ""."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_XML.sub("", text)
    return unicodedata.normalize("NFC", text)


def build_context(facts: PackageFacts, planned: PlannedDocument) -> dict[str, Any]:
    """Return the context for one planned document of the package.

    Raises KeyError when the plan names a solution the catalogue does not know, and
    ValueError when a gebruiksovereenkomst has no fee in the plan.
    """
    context = _package_context(facts)
    context["document"] = {
        "kind": planned.kind.value,
        "title": planned.kind.title,
        "reason": clean(planned.reason),
    }
    if planned.kind is DocumentKind.GEBRUIKSOVEREENKOMST:
        code = planned.solution_code or ""
        fee = next((f for f in facts.plan.fees if f.solution_code == code), None)
        if fee is None:
            raise ValueError(f"Het plan heeft geen vergoeding voor de oplossing '{code}'.")
        context["solution"] = _solution(facts.reference.solution(code))
        context["start"] = format_date(planned.start) if planned.start else DOTS
        context["fee"] = _fee(fee, facts.reference.solution(code), planned, facts)
    return context


def _package_context(facts: PackageFacts) -> dict[str, Any]:
    plan = facts.plan
    association = facts.reference.association
    starts = {doc.solution_code: doc for doc in plan.documents if doc.solution_code}
    fees = [_fee(fee, facts.reference.solution(fee.solution_code), starts.get(fee.solution_code),
                 facts) for fee in plan.fees]
    vwo_planned = DocumentKind.VERWERKERSOVEREENKOMST in plan.kinds
    vwo_on = facts.on_file.verwerkersovereenkomst_on
    deadline = format_date(facts.council_deadline) if facts.council_deadline else None
    policy = _policy(facts)
    return {
        "nvsi": {
            "name": clean(association.name),
            "short_name": clean(association.short_name),
            "street": clean(association.street),
            "postcode": _postcode(association.postcode),
            "city": clean(association.city),
            "kvk": clean(association.kvk),
            "email": clean(association.email),
            "website": clean(association.website),
            "iban": clean(association.iban),
            "breach": {
                "name": clean(association.breach_contact.name),
                "email": clean(association.breach_contact.email),
                "phone": clean(association.breach_contact.phone),
            },
        },
        "board": [{"name": clean(m.name), "role": clean(m.role)} for m in association.board],
        "voorwaarden": {
            "version": clean(association.voorwaarden.version),
            "adopted": format_date(association.voorwaarden.adopted),
        },
        "package": {
            "reference": clean(facts.reference_number),
            "date": format_date(facts.created_on),
            "involvement": facts.involvement.label,
            "is_lid": _is_lid(facts),
            "subject": _subject(facts),
            "purpose": _purpose(facts),
        },
        "organisation": _organisation(facts),
        "contact": _person(facts.contact, with_contact=True),
        "signatory": _signatory(facts),
        "second_signatory": (_second(facts.second_signatory)
                             if facts.second_signatory is not None else None),
        "volmacht": ({"date": format_date(facts.volmacht.granted_on),
                      "reference": clean(facts.volmacht.reference)}
                     if facts.volmacht is not None else None),
        "council": _council(facts),
        "college_decision": _college_decision(facts),
        "breach_notice_hours": str(int(facts.breach_notice_hours)),
        "council_deadline": deadline,
        "council_deadline_text": deadline or DOTS,
        "needs_council": plan.needs_council,
        "participant_warning": PARTICIPANT_WARNING in plan.warnings,
        "has_verwerkersovereenkomst": vwo_planned,
        "verwerkersovereenkomst_on": format_date(vwo_on) if vwo_on and not vwo_planned else None,
        "verwerkersovereenkomst_pending": (
            clean(facts.on_file.pending_vwo())
            if not vwo_planned and not vwo_on and facts.on_file.pending_vwo() else None),
        "documents": [
            {"title": _title(doc.kind, doc.solution_code, facts), "reason": clean(doc.reason)}
            for doc in plan.documents if doc.kind is not DocumentKind.AANBIEDINGSBRIEF
        ],
        "skipped": [
            {"title": _title(doc.kind, doc.solution_code, facts), "reason": clean(doc.reason)}
            for doc in plan.skipped
        ],
        "fees": fees,
        "fees_total": _fees_total(plan.years),
        "fee_years": [_year(year, facts, policy) for year in plan.years],
        "contract": policy,
        "solutions": [_solution(facts.reference.solution(code)) for code in _package_solutions(facts)],
    }


NUMBERS = {1: "één", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven",
           8: "acht", 9: "negen", 10: "tien", 11: "elf", 12: "twaalf"}


def _policy(facts: PackageFacts) -> dict[str, Any]:
    """NVSI's contract policy, each value as the contract prints it."""
    contract: Contract = facts.reference.association.contract
    months = contract.notice_months
    taxed = contract.vat_position is VatPosition.BELAST
    if contract.pro_rata is ProRata.DAG:
        rule = ("per dag: de jaarvergoeding maal het aantal dagen van de ingangsdatum tot en met "
                "31 december, gedeeld door het aantal dagen van dat kalenderjaar")
    else:
        rule = ("per begonnen maand: één twaalfde deel van de jaarvergoeding voor elke maand "
                "vanaf de maand van de ingangsdatum tot en met december")
    rate = format_percentage(contract.vat_rate)
    return {
        "notice": f"{NUMBERS.get(months, str(months))} {'maand' if months == 1 else 'maanden'}",
        "liability_cap": format_money(contract.liability_cap),
        "payment_days": str(contract.payment_days),
        "forum": clean(contract.forum),
        "vat_taxed": taxed,
        "vat_rate": rate,
        "vat_text": (f"Alle bedragen zijn exclusief omzetbelasting (btw). De NVSI brengt "
                     f"{rate} btw in rekening; de factuur vermeldt het bedrag exclusief btw, de "
                     "btw en het bedrag inclusief btw." if taxed else clean(contract.vat_text)),
        "pro_rata": contract.pro_rata.value,
        "pro_rata_rule": rule,
    }


def _share(share: Share) -> str:
    if share.whole:
        return "volledig jaar"
    unit = "dagen" if share.rule is ProRata.DAG else "maanden"
    return f"{share.units} van {share.of_units} {unit}"


def _charge(line: Charge, facts: PackageFacts) -> dict[str, str]:
    return {
        "code": line.fee.solution_code,
        "solution": clean(facts.reference.solution(line.fee.solution_code).name),
        "start": format_date(line.start),
        "rate": format_money(line.fee.total),
        "share": _share(line.share),
        "amount": format_money(line.amount),
        "vat": format_money(line.vat),
        "including_vat": format_money(line.including_vat),
    }


def _year(year: YearCharges, facts: PackageFacts, policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": str(year.year),
        "lines": [_charge(line, facts) for line in year.charges],
        "amount": format_money(year.amount),
        "vat": format_money(year.vat),
        "including_vat": format_money(year.including_vat),
    }


def _fees_total(years: tuple[YearCharges, ...]) -> str:
    """What the invoices come to per calendar year, excluding VAT; years never added up."""
    if not years:
        return format_money(Decimal("0.00"))
    if len(years) == 1:
        return format_money(years[0].amount)
    return "; ".join(f"{year.year}: {format_money(year.amount)}" for year in years)


def _organisation(facts: PackageFacts) -> dict[str, Any]:
    org = facts.organisation
    name = clean(org.name)
    kind = org.kind.label
    is_gemeente = org.kind is OrgKind.GEMEENTE
    party = f"de gemeente {name}" if is_gemeente else name
    controller = clean(org.controller_name)
    address = org.address
    return {
        "name": name,
        "kind": kind,
        "is_gemeente": is_gemeente,
        "is_publiek": org.kind is OrgKind.PUBLIEKE_ORGANISATIE,
        "is_maatschappelijk": org.kind is OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
        "designation": f"de {kind} {name}",
        "party": party,
        "party_start": _capitalise(party),
        "controller": controller,
        "controller_start": _capitalise(controller),
        "has_address": bool(address and (address.street or address.city)),
        "street": clean(address.street) if address else "",
        "postcode": _postcode(address.postcode) if address else "",
        "city": clean(address.city) if address else "",
        "cbs_code": clean(org.cbs_code),
        "kvk": clean(org.kvk),
        "oin": clean(org.oin),
        "privacy_officer": _reachable(org.privacy_officer),
        "breach_contact": _reachable(org.breach_contact),
    }


def _reachable(person) -> dict[str, str]:
    """Name, e-mail and phone of a contact, or lines to fill in when it is not known."""
    if person is None:
        return {"name": DOTS, "email": DOTS, "phone": DOTS, "known": False}
    return {"name": clean(person.name), "email": clean(person.email),
            "phone": clean(person.phone), "known": True}


def _person(person, *, with_contact: bool = False) -> dict[str, str]:
    data = {"name": clean(person.name), "function": clean(person.function)}
    if with_contact:
        data["email"] = clean(person.email)
        data["phone"] = clean(person.phone)
        data["salutation"] = clean(formal_salutation(person.name))
    return data


def _signatory(facts: PackageFacts) -> dict[str, str]:
    """`name`, `function`, `authority` (printed beside the signature, or "") and `capacity`
    (burgemeester, gemachtigde or statutair)."""
    org = facts.organisation
    capacity = facts.signatory_capacity or (
        SignatoryCapacity.BURGEMEESTER if org.kind is OrgKind.GEMEENTE
        else SignatoryCapacity.STATUTAIR)
    data = _person(facts.signatory)
    data["authority"] = clean(authority_text(capacity, org.name, org.kind, facts.volmacht))
    data["capacity"] = capacity.value
    return data


def _second(person) -> dict[str, str]:
    data = _person(person)
    data["authority"] = ""
    data["capacity"] = SignatoryCapacity.STATUTAIR.value
    return data


WEEKS = {1: "één week", 2: "twee weken", 3: "drie weken", 4: "vier weken", 5: "vijf weken",
         6: "zes weken", 7: "zeven weken", 8: "acht weken", 9: "negen weken", 10: "tien weken",
         12: "twaalf weken"}


def _council(facts: PackageFacts) -> dict[str, Any]:
    """The raad step: dates as Dutch text, or None where not known yet."""
    record = facts.council
    weeks = int(facts.council_weeks)

    def day(value):
        return format_date(value) if value else None

    reaction = record.reaction if record else None
    return {
        "weeks": str(weeks),
        "weeks_text": WEEKS.get(weeks, f"{weeks} weken"),
        "started": day(record and record.started_on),
        "sent_to_raad": day(record and record.sent_on),
        "deadline": day(facts.council_deadline or (record and record.deadline)),
        "reaction": reaction.value if reaction else None,
        "reaction_label": reaction.label if reaction else None,
        "reaction_on": day(record and record.reaction_on),
        "has_wensen": reaction is CouncilReaction.WENSEN_EN_BEDENKINGEN,
    }


def _college_decision(facts: PackageFacts) -> dict[str, str] | None:
    record = facts.council
    if record is None or record.decided_on is None:
        return None
    return {"date": format_date(record.decided_on),
            "reference": clean(record.decision_reference)}


def _solution(solution: Solution) -> dict[str, Any]:
    spec = solution.processing
    return {
        "code": solution.code,
        "name": clean(solution.name),
        "description": clean(solution.description),
        "supplier": clean(solution.supplier),
        "purposes": [clean(x) for x in spec.purposes],
        "data_subjects": [clean(x) for x in spec.data_subjects],
        "personal_data": [clean(x) for x in spec.personal_data],
        "special_categories": "ja" if spec.special_categories else "nee",
        "bsn": "ja" if spec.bsn else "nee",
        "retention": clean(spec.retention),
        "sub_processors": [clean(x) for x in spec.sub_processors],
        "security": [clean(x) for x in spec.security],
    }


def _fee(fee: Fee, solution: Solution, planned: PlannedDocument | None,
         facts: PackageFacts) -> dict[str, Any]:
    if fee.surcharge_kind is SurchargeKind.PERCENTAGE:
        basis = f"{format_percentage(fee.surcharge_rate)} van de licentie- en beheerkosten"
    else:
        basis = "vast bedrag per oplossing per jaar"
    start = planned.start if planned is not None else None
    return {
        "code": fee.solution_code,
        "solution": clean(solution.name),
        "start": format_date(start) if start else DOTS,
        "year": str(fee.year),
        "licence": format_money(fee.licence),
        "management": format_money(fee.management),
        "surcharge": format_money(fee.surcharge),
        "surcharge_basis": basis,
        "total": format_money(fee.total),
        "alv_decision": clean(fee.alv_decision),
        "first_year": _first_charge(fee, facts),
    }


def _first_charge(fee: Fee, facts: PackageFacts) -> dict[str, str] | None:
    """The invoice line of the solution's first (start) year, pro rata, or None."""
    for year in facts.plan.years:
        for line in year.charges:
            if line.fee.solution_code == fee.solution_code and line.first_year:
                return _charge(line, facts)
    return None



def _package_solutions(facts: PackageFacts) -> list[str]:
    """Every solution the package concerns: those contracted now, then those already on file."""
    codes: list[str] = []
    for doc in [*facts.plan.documents, *facts.plan.skipped]:
        if doc.kind is DocumentKind.GEBRUIKSOVEREENKOMST and doc.solution_code not in codes:
            codes.append(doc.solution_code)
    return codes


def _title(kind: DocumentKind, code: str | None, facts: PackageFacts) -> str:
    if code:
        return f"{kind.title}: {clean(facts.reference.solution(code).name)}"
    return kind.title


def _is_lid(facts: PackageFacts) -> bool:
    return (facts.involvement is Involvement.LID
            or facts.on_file.registered_as is Involvement.LID)


def _registers(facts: PackageFacts) -> bool:
    return any(doc.kind in (DocumentKind.AANMELDING_GEMEENTE_LID,
                            DocumentKind.AANMELDING_PARTICIPANT,
                            DocumentKind.AANMELDING_ORGANISATIE_LID)
               for doc in facts.plan.documents)


def _subject(facts: PackageFacts) -> str:
    uses = bool(facts.plan.fees)
    if _registers(facts):
        role = facts.involvement.label
        return f"Aanmelding als {role}" + (" en gebruik van innovatieve oplossingen" if uses else "")
    return "Gebruik van innovatieve oplossingen van de NVSI"


def _purpose(facts: PackageFacts) -> str:
    parts = []
    if _registers(facts):
        org = facts.organisation
        parts.append(f"de aanmelding van de {org.kind.label} {clean(org.name)} als "
                     f"{facts.involvement.label} van de NVSI")
    names = [clean(facts.reference.solution(f.solution_code).name) for f in facts.plan.fees]
    if names:
        parts.append(f"het gebruik van {_join(names)}")
    return " en ".join(parts) if parts else "uw organisatie"


def _join(items: list[str]) -> str:
    """`a`, `a en b`, `a, b en c`."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


def _postcode(value: str | None) -> str:
    text = clean(value).strip()
    return format_postcode(text) if _POSTCODE.match(text) else text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]

