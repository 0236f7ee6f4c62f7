"""The domain of Tekenklaar in plain Python: no Flask, no database.

organisations  kinds of organisation and the two ways to be involved
reference      the catalogue, the fee schedule and the association, loaded from config/
fees           the fee per solution and per package
rules          which documents a package holds, and which it skips and why
states         the package state machine
validation     the checks on what a person types, with Dutch messages
formatting     Dutch formats for money, dates and postcodes
"""
