"""The reading errors: every problem with an input table raises a subclass of `FoiReadError` (a `ValueError`)
whose message names the file and, where one cell is at fault, the cell, what was found and what was expected.
"""
from __future__ import annotations

__all__ = [
    "FoiReadError",
    "EmptyFileError",
    "UnreadableFileError",
    "WrongFileTypeError",
    "UnsupportedFileTypeError",
    "SheetError",
    "NoTableError",
    "NoDataRowsError",
    "NotACountError",
    "NegativeCountError",
    "DuplicatePeriodError",
    "DuplicateCategoryError",
    "TotalMismatchError",
    "FormulaCellError",
    "TooLargeError",
    "MissingLabelError",
    "MissingHeaderError",
    "UnexpectedCellError",
    "NoPeriodError",
    "AmbiguousLayoutError",
    "PeriodError",
    "ForceNameError",
    "EncryptedFileError",
    "NotACountFormatError",
]


class FoiReadError(ValueError):
    """An FOI table could not be read without guessing; the message names the file (and the cell)."""


class EmptyFileError(FoiReadError):
    """The file has no bytes, or no cell with content."""


class UnreadableFileError(FoiReadError):
    """The file is damaged or in an encoding/format the reader cannot decode."""


class WrongFileTypeError(FoiReadError):
    """The content is not what the extension says (xlsx/ods are zip files, xls is OLE2, csv is text)."""


class UnsupportedFileTypeError(WrongFileTypeError):
    """An extension the reader does not handle."""


class SheetError(FoiReadError):
    """The named sheet does not exist, or several sheets have content and none was named."""


class NoTableError(FoiReadError):
    """No header row: nothing beyond the first column."""


class NoDataRowsError(FoiReadError):
    """A header row but no data row below it."""


class NotACountError(FoiReadError):
    """A data cell holds something that is not a count or a marker."""


class NegativeCountError(NotACountError):
    """A data cell holds a negative number."""


class DuplicatePeriodError(FoiReadError):
    """The same period labels two rows or two columns."""


class DuplicateCategoryError(FoiReadError):
    """The same category labels two rows or two columns."""


class TotalMismatchError(FoiReadError):
    """A total disagrees with the sum of its parts."""


class FormulaCellError(FoiReadError):
    """A cell holds a formula (formulas are never evaluated)."""


class TooLargeError(FoiReadError):
    """The file, a part of it once uncompressed, or the table is bigger than the caps."""


class MissingLabelError(FoiReadError):
    """A data row has values but no label in the first column."""


class MissingHeaderError(FoiReadError):
    """A column has values but no header."""


class UnexpectedCellError(FoiReadError):
    """Content where the table has no place for it (right of the header, or data below the notes)."""


class NoPeriodError(FoiReadError):
    """Neither axis holds periods and no period= was given."""


class AmbiguousLayoutError(FoiReadError):
    """Both axes hold periods, or period= was given for a table that has its own periods."""


class PeriodError(FoiReadError):
    """A period label (in the table or given as period=) cannot be read."""


class ForceNameError(FoiReadError):
    """force= is not a police force of England and Wales."""


class EncryptedFileError(UnreadableFileError):
    """The workbook is protected by a password (an encrypted OLE2 container): it cannot be read."""


class NotACountFormatError(NotACountError):
    """A data cell is formatted as a percentage, date or time, so its number is not a count as shown."""
