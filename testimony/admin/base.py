"""What every model admin of the archive shares: history with compare and restore, who-did-it fields, and the
optimistic lock for versioned models."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from testimony import history, locking, plaintext, workflow


def whole_number_or_404(value):
    """An id from a URL as a database integer; anything else (``abc``, a 30-digit number) is a 404, not a 500."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(_("No such record.")) from None
    if not 0 < number < 2**63:
        raise Http404(_("No such record."))
    return number


class PlainText:
    """For a ModelAdmin or an inline: every text field refuses the control characters no reader can see or the feeds
    carry (:func:`plain_text`)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return plain_text(super().formfield_for_dbfield(db_field, request, **kwargs))


class HistoryAdmin(PlainText, SimpleHistoryAdmin):
    """django-simple-history's history list (who, when, which fields from what to what) and restore form, plus a
    page comparing any two records. Sets ``created_by``/``updated_by`` from the request's user."""

    object_history_template = "admin/testimony/object_history.html"
    object_history_list_template = "admin/testimony/object_history_list.html"
    history_list_per_page = 50
    # Source links typed without a scheme are taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{info[0]}_{info[1]}_compare",
        )
        # Before simple-history's "<id>/history/<record>/", which would take "compare" for a record id.
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, str(whole_number_or_404(unquote(object_id))), extra_context)

    def compare_view(self, request, object_id):
        """Two history records of one object side by side: ``?old=<record id>&new=<record id>``."""
        object_id = whole_number_or_404(unquote(object_id))
        records = self.model.history.filter(**{self.opts.pk.attname: object_id})
        try:
            ids = sorted({whole_number_or_404(request.GET["old"]), whole_number_or_404(request.GET["new"])})
        except (KeyError, Http404):
            messages.error(request, _("Choose two versions to compare."))
            return HttpResponseRedirect("../")
        found = {record.pk: record for record in records.filter(history_id__in=ids).select_related("history_user")}
        if len(ids) != 2 or len(found) != 2:
            messages.error(request, _("Choose two different versions of this object to compare."))
            return HttpResponseRedirect("../")
        old, new = found[ids[0]], found[ids[1]]
        obj = self.get_object(request, object_id) or new.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %s") % obj,
            "opts": self.opts,
            "object": obj,
            "old": old,
            "new": new,
            "differences": history.compare(old, new),
            "revert_disabled": self.revert_disabled(request, obj),
        }
        return TemplateResponse(request, "admin/testimony/compare.html", context)

    def save_model(self, request, obj, form, change):
        stamp_user(obj, request.user, change)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and hasattr(inline_form.instance, "created_by_id"):
                if inline_form.instance.pk is None:
                    inline_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        obj._history_user = request.user  # who deleted it, in its last history record
        super().delete_model(request, obj)


def stamp_user(obj, user, change):
    if not change and hasattr(obj, "created_by_id"):
        obj.created_by = user
    if hasattr(obj, "updated_by_id"):
        obj.updated_by = user
    obj._history_user = user


def plain_text(field):
    """A form field that refuses the control characters no reader can see or the feeds carry (``plaintext``), if it
    takes text; returned for chaining."""
    if isinstance(field, forms.CharField) and plaintext.reject_control_characters not in field.validators:
        field.validators.append(plaintext.reject_control_characters)
    return field


def https_formfield(db_field, **kwargs):
    """Form fields for a model form, taking links typed without a scheme as https:// (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor read in a hidden field and refuses the save if the row moved on since."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        historic = getattr(self.instance, "_history", None)
        if historic is not None and not self.is_bound:
            self.initial.update(restore_initial(historic))
        if historic is not None:
            keep_current_state(self.instance)
            if not self.is_bound:
                self.initial.update(
                    {name: getattr(self.instance, name) for name in KEPT_ON_RESTORE if name in self.fields}
                )
        self.fields["read_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        read = cleaned.get("read_version")
        if read is None:
            raise forms.ValidationError(_("This form is missing the version you read. Reload the page."))
        now = locking.current_version(self.instance)
        if now != read:
            raise forms.ValidationError(
                locking.conflict_message(
                    self.instance,
                    read,
                    type(self.instance)._default_manager.filter(pk=self.instance.pk).first(),
                    locking.changes_since(self.instance, read),
                ),
                code="stale",
            )
        return cleaned


# What a restore leaves as it is now: the workflow state and the bookkeeping. Restoring content never publishes,
# unpublishes or un-retracts anything, and the version that counts is the row's current one.
KEPT_ON_RESTORE = ("status", "retraction_note", "published_at", "created", "created_by_id", "version")


def keep_current_state(instance):
    """On a restore form's copy of an old record, put back the row's current workflow state and version."""
    fields = [name for name in KEPT_ON_RESTORE if hasattr(instance, name)]
    current = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
    for name, value in (current or {}).items():
        setattr(instance, name, value)


def restore_initial(historic):
    """The many-to-many values (tags, incidents) as they were in a history record: simple-history's restore form
    would otherwise show the current ones."""
    initial = {}
    for field in historic._history_m2m_fields:
        rows = getattr(type(historic), field.name).model.objects.filter(history=historic)
        initial[field.name] = list(rows.values_list(field.m2m_reverse_field_name() + "_id", flat=True))
    return initial


class VersionedAdmin(HistoryAdmin):
    """For models with a ``version`` counter (Testimony, Statement): every save checks and bumps it, and writes one
    history record even when many-to-many fields change."""

    form = VersionedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusing_cleanly(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id = str(whole_number_or_404(unquote(object_id)))
        version_id = str(whole_number_or_404(unquote(version_id)))
        current = self.get_object(request, object_id)
        if current is None:
            raise Http404(_("This object no longer exists; its history is kept."))
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        request.restoring = True
        return self._refusing_cleanly(super().history_form_view, request, object_id, version_id, extra_context)

    def _refusing_cleanly(self, view, request, *args):
        """``view(request, *args)``, where a save refused after its form was valid (its transaction rolled back)
        ends with the refusal said, never a 500.

        A save that lost a race to another one after its form was checked is checked once more: its version is
        stale now, so the form comes back as the editor typed it, with the conflict above it, rather than the work
        being dropped for a message. A move the workflow refuses goes back to the page with the message.
        """
        try:
            return view(request, *args)
        except locking.StaleEdit as refused:
            message = refused.message
            if request.method == "POST" and refused.current is not None:
                try:
                    return view(request, *args)
                except (locking.StaleEdit, workflow.WorkflowError):
                    pass
        except workflow.WorkflowError as refused:
            message = refused.message
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        stamp_user(obj, request.user, change)
        with history.single_record(obj, user=request.user, reason=restore_reason(request, obj)):
            if change:
                locking.save_with_version(obj, form.cleaned_data["read_version"])
            else:
                obj.save()
            form.save_m2m()
        form.save_m2m = _done  # already saved, inside the one history record


def restore_reason(request, obj):
    historic = getattr(obj, "_history", None)
    if getattr(request, "restoring", False) and historic is not None:
        when = formats.date_format(timezone.localtime(historic.history_date), "SHORT_DATETIME_FORMAT")
        return _("Restored the version of %(date)s") % {"date": when}
    return None


def _done():
    return None


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written by the archive itself (counters, workflow events, revisions): look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
