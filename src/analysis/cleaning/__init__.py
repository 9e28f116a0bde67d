"""Cleaners: one load_raw (parse only) and clean (pure recode + validation) pair per raw file family."""


class RawDataError(ValueError):
    """A raw cell could not be cleaned; the message names the file, the line or cell, and the text."""
