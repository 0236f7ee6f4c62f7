"""Staff page 'Sjablonen': every document template with its versions; a beheerder uploads a
new version (checked before it is accepted) and downloads any version.

Routes are added to the staff blueprint `bp` (app/web/views.py); app/web/__init__.py imports
this module. Only a beheerder may open these pages.
"""

from __future__ import annotations

import io

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user

from app.web.auth import beheerder_required
from app.web.views import bp
from app.web.views import error_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/sjablonen")
@beheerder_required
def templates_index():
    """Every template: its current version and the earlier ones."""
    from app.domain.rules import DocumentKind
    from app.services import templates

    return render_template("templates.html",
                           kinds=[(kind, templates.versions(kind)) for kind in DocumentKind])


@bp.post("/sjablonen/<kind>")
@beheerder_required
def template_upload(kind: str):
    """Upload a new version of one template; a template that fails the check is refused."""
    from app.domain.rules import DocumentKind
    from app.services import templates
    from app.services.errors import NotFound
    from app.services.errors import ServiceError

    try:
        document_kind = templates.parse_kind(kind)
    except NotFound:
        return error_page(404, "Dit sjabloon bestaat niet.")
    upload = request.files.get("bestand")
    data = upload.read() if upload else b""
    filename = (upload.filename if upload and upload.filename else f"{kind}.docx")
    try:
        row = templates.upload(document_kind, data, filename, current_user.email,
                               request.form.get("toelichting", ""))
    except templates.TemplateRejected as exc:
        return render_template("templates.html",
                               kinds=[(k, templates.versions(k)) for k in DocumentKind],
                               rejected=document_kind, error=exc.message,
                               problems=exc.problems), 422
    except ServiceError as exc:
        return render_template("templates.html",
                               kinds=[(k, templates.versions(k)) for k in DocumentKind],
                               rejected=document_kind, error=exc.message, problems=[]), 422
    flash(f"Versie {row.number} van {document_kind.title} is aangenomen; nieuwe pakketten "
          "gebruiken deze versie. Pakketten die al gemaakt zijn, houden hun documenten.",
          "success")
    return redirect(url_for("web.templates_index") + f"#{document_kind.value}")


@bp.get("/sjablonen/<kind>/versie-<int:number>.docx")
@beheerder_required
def template_download(kind: str, number: int):
    """One version of a template as .docx."""
    from app.services import templates
    from app.services.errors import NotFound

    try:
        document_kind = templates.parse_kind(kind)
        data = templates.template_bytes(document_kind, number)
    except NotFound as exc:
        return error_page(404, exc.message)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"{document_kind.value}-versie-{number}.docx")
