"""The admin's batch import: upload a CSV or JSON file, read the dry-run preview and its errors, then confirm.

Between the preview and the confirmation the upload waits in a private temporary file (``UPLOAD_DIR``), named by a
random token. The confirmation form carries that token and the file's SHA-256, signed (``django.core.signing``), and
the token must also be in the editor's own session: another user cannot confirm it, a forged or expired token is
refused, and a file changed on disk is noticed. The file is deleted once imported or cancelled; leftovers older than
``MAX_AGE`` are swept at each upload.

Confirming checks the whole file again and writes it in one transaction (``testimony.importing``): all or nothing.
"""

import hashlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from testimony import importing
from testimony.models import Testimony

PERMISSION = "testimony.import_testimonies"
PUBLISH_PERMISSION = "testimony.publish_testimony"
UPLOAD_DIR = Path(settings.IMPORT_UPLOAD_DIR)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # larger files go through the import_testimonies command
MAX_AGE = 6 * 60 * 60  # seconds a previewed upload waits for its confirmation
SESSION_KEY = "testimony_imports"
SIGNING_SALT = "testimony.admin.imports"
SHOWN_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A .csv or .json file in the archive's interchange format (see the README), UTF-8, at most 50 MB. "
            "For larger files use the import_testimonies command."
        ),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("From the file name")), ("csv", "CSV"), ("json", "JSON")],
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB. Import it with the import_testimonies command."), code="too_large"
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        try:
            cleaned["format"] = importing.detect_format(upload.name, cleaned.get("format") or None)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="format") from None
        return cleaned


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    publish = forms.BooleanField(
        label=gettext_lazy("Publish on import"),
        required=False,
        help_text=gettext_lazy("Leave unticked to import them as drafts, to be reviewed one by one."),
    )


def import_view(request):
    """Upload → preview (a dry run with every error by line) → confirm. Needs ``testimony.import_testimonies``."""
    if not request.user.is_active or not request.user.is_staff or not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if request.method == "POST" and "cancel" in request.POST:
        _discard(request, request.POST.get("token", ""))
        messages.info(request, _("The import was cancelled; nothing was written."))
        return HttpResponseRedirect(reverse("admin:testimony_testimony_import"))
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            return _preview(request, form.cleaned_data["file"], form.cleaned_data["format"])
    else:
        form = UploadForm()
    return _render(request, "admin/testimony/import.html", {"form": form, "title": _("Import testimonies")})


def _preview(request, upload, fmt):
    _sweep()
    token = secrets.token_urlsafe(24)
    path = _path(token)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    report = importing.Importer(path, fmt, name=upload.name).check()
    if not report.ok:
        path.unlink(missing_ok=True)
        return _render_preview(request, report, upload.name, confirm=None)
    request.session.setdefault(SESSION_KEY, {})[token] = {"name": upload.name, "format": fmt}
    request.session.modified = True
    signed = signing.dumps({"token": token, "sha256": digest.hexdigest()}, salt=SIGNING_SALT)
    return _render_preview(request, report, upload.name, confirm=ConfirmForm(initial={"token": signed}))


def _confirm(request):
    form = ConfirmForm(request.POST)
    pending = _pending(request, request.POST.get("token", ""))
    if not form.is_valid() or pending is None:
        messages.error(request, _("This preview has expired or was already used. Upload the file again."))
        return HttpResponseRedirect(reverse("admin:testimony_testimony_import"))
    token, path, entry = pending
    publish = form.cleaned_data["publish"]
    if publish and not request.user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied
    report = importing.import_file(path, entry["format"], publish=publish, user=request.user, name=entry["name"])
    if not report.written:
        # The archive changed since the preview (e.g. an identifier was taken): nothing was written.
        _discard(request, request.POST["token"])
        return _render_preview(request, report, entry["name"], confirm=None)
    _discard(request, request.POST["token"])
    first, last = report.created_identifiers or ("", "")
    messages.success(
        request,
        ngettext(
            "Imported %(count)s testimony (%(first)s) as %(status)s.",
            "Imported %(count)s testimonies (%(first)s … %(last)s) as %(status)s.",
            report.rows,
        )
        % {
            "count": report.rows,
            "first": first,
            "last": last,
            "status": _("published") if publish else _("drafts"),
        },
    )
    return HttpResponseRedirect(reverse("admin:testimony_testimony_changelist"))


def _pending(request, signed: str):
    """(token, path, session entry) of a previewed upload this user may confirm, or None."""
    try:
        value = signing.loads(signed, salt=SIGNING_SALT, max_age=MAX_AGE)
        token, expected = value["token"], value["sha256"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = _path(token)
    if entry is None or not path.is_file() or _sha256(path) != expected:
        return None
    return token, path, entry


def _discard(request, signed: str) -> None:
    try:
        token = signing.loads(signed, salt=SIGNING_SALT)["token"]
    except (signing.BadSignature, KeyError, TypeError):
        return
    if request.session.get(SESSION_KEY, {}).pop(token, None) is not None:
        request.session.modified = True
        _path(token).unlink(missing_ok=True)


def _path(token: str) -> Path:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return UPLOAD_DIR / f"{token}.upload"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sweep() -> None:
    """Delete uploads left unconfirmed for longer than MAX_AGE."""
    if not UPLOAD_DIR.is_dir():
        return
    limit = time.time() - MAX_AGE
    for leftover in UPLOAD_DIR.glob("*.upload"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except FileNotFoundError:
            pass


def _render_preview(request, report, name, *, confirm):
    errors = report.sorted_errors()
    context = {
        "title": _("Import preview: %(name)s") % {"name": name},
        "name": name,
        "report": report,
        "errors": errors[:SHOWN_ERRORS],
        "hidden_errors": report.error_count - min(len(errors), SHOWN_ERRORS),
        "vocabulary": [
            (family.replace("_", " "), report.created.get(family, 0), report.existing.get(family, 0))
            for family in importing.VOCABULARY_SECTIONS
            if family in report.created or family in report.existing
        ],
        "confirm": confirm,
        "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        "preview_limit": importing.PREVIEW_ROWS,
    }
    return _render(request, "admin/testimony/import_preview.html", context)


def _render(request, template, context):
    context = {**site.each_context(request), "opts": Testimony._meta, **context}
    return TemplateResponse(request, template, context)
