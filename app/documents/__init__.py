"""The documents of a package: render the .docx templates and convert them to PDF/A.

Pure functions of data; no Flask, no database.

context   build_context(facts, planned) -> dict: the template context, Dutch formats
render    DocxRenderer: templates_docx/<kind>.docx parsed and compiled once, rendered fast
convert   PdfConverter: LibreOffice (unoserver) kept running; convert(docx) -> PDF/A-2b
make      make_package_documents(facts, renderer, converter) -> [MadeDocument]
"""

from app.documents.context import build_context
from app.documents.convert import ConversionError
from app.documents.convert import OneShotConverter
from app.documents.convert import PdfConverter
from app.documents.convert import convert_once
from app.documents.convert import converter_from_settings
from app.documents.make import MadeDocument
from app.documents.make import document_filename
from app.documents.make import make_package_documents
from app.documents.make import render_document
from app.documents.render import DocxRenderer
from app.documents.render import RenderError

Renderer = DocxRenderer  # the name the service layer uses

__all__ = [
    "ConversionError",
    "DocxRenderer",
    "MadeDocument",
    "OneShotConverter",
    "PdfConverter",
    "RenderError",
    "Renderer",
    "build_context",
    "convert_once",
    "converter_from_settings",
    "document_filename",
    "make_package_documents",
    "render_document",
]
