"""The domain of Tekenklaar in plain Python: no Flask, no database.

organisations  kinds of organisation and the two ways to be involved
reference      the catalogue, the seed fee schedules and the association, loaded from config/
fees           the fee per solution and per package
fee_schedules  checking a year's fee schedule as a beheerder enters it
alv            the ALV's meetings and decisions (what a beheerder types, how contracts name one)
rules          which documents a package holds, and which it skips and why
states         the package state machine
validation     the checks on what a person types, with Dutch messages
formatting     Dutch formats for money, dates and postcodes
"""
