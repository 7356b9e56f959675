"""Official statements, the actors who made them, and cross-references."""

from django import forms
from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from testimony import workflow
from testimony.models import Actor, CrossReference, Statement, Status

from .base import HistoryAdmin, PlainText, VersionedAdmin, VersionedForm, https_formfield


@admin.register(Actor)
class ActorAdmin(HistoryAdmin):
    list_display = ("name", "office", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "office")
    prepopulated_fields = {"slug": ("name",)}


class StatementForm(VersionedForm):
    user = None

    class Meta:
        model = Statement
        fields = "__all__"
        formfield_callback = https_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and self.user is not None:
            current = self.instance.status if self.instance.pk is not None else None
            allowed = workflow.allowed_statuses(self.user, current)
            self.fields["status"].choices = [(value, Status(value).label) for value in allowed]

    def clean(self):
        cleaned = super().clean()
        current = self.instance.status if self.instance.pk is not None else None
        status = cleaned.get("status")
        if self.user is not None and status and current in workflow.PUBLIC and not self.user.has_perm(workflow.PUBLISH):
            raise forms.ValidationError(_("Only editors may change a published or retracted statement."))
        if status == Status.RETRACTED and not cleaned.get("retraction_note", "").strip():
            self.add_error("retraction_note", _("Say publicly why the statement is retracted."))
        return cleaned


class StatementReferenceInline(PlainText, admin.TabularInline):
    """Testimonies linked to this statement."""

    model = CrossReference
    fk_name = "statement"
    fields = ("testimony", "relation", "note")
    autocomplete_fields = ("testimony",)
    extra = 0
    verbose_name = gettext_lazy("testimony linked to this statement")
    verbose_name_plural = gettext_lazy("Testimonies linked to this statement")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("testimony")


@admin.register(Statement)
class StatementAdmin(VersionedAdmin):
    """The same rules as testimonies: versioned saves, and only editors publish or retract."""

    form = StatementForm
    list_display = ("identifier", "claim_column", "actor", "made_on", "status", "source")
    list_display_links = ("identifier", "claim_column")
    list_filter = ("status", "actor__kind", "is_date_approximate", "source")
    list_select_related = ("actor", "source")
    search_fields = ("=identifier", "claim", "quote", "actor__name")
    date_hierarchy = "made_on"
    autocomplete_fields = ("actor", "source", "incidents")
    readonly_fields = ("identifier", "version", "published_at", "created", "created_by", "updated", "updated_by")
    fieldsets = (
        (None, {"fields": ("identifier", "actor", ("made_on", "is_date_approximate"), "claim", "quote", "language")}),
        (gettext_lazy("Source"), {"fields": ("source", "source_url", "incidents")}),
        (gettext_lazy("Editorial"), {"fields": ("status", "retraction_note", "editor_notes", "read_version")}),
        (
            gettext_lazy("Record"),
            {
                "classes": ("collapse",),
                "fields": (("version", "published_at"), ("created", "created_by"), ("updated", "updated_by")),
            },
        ),
    )
    inlines = (StatementReferenceInline,)

    @admin.display(description=gettext_lazy("claim"), ordering="claim")
    def claim_column(self, obj):
        return Truncator(obj.claim).chars(90)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.status in workflow.PUBLIC:
            return request.user.has_perm(workflow.PUBLISH)
        return True

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.status not in workflow.PUBLIC


@admin.register(CrossReference)
class CrossReferenceAdmin(HistoryAdmin):
    list_display = ("testimony", "relation", "target_column", "note_excerpt", "created")
    list_filter = ("relation",)
    list_select_related = ("testimony", "statement", "other_testimony")
    search_fields = (
        "=testimony__identifier",
        "testimony__title",
        "=statement__identifier",
        "statement__claim",
        "=other_testimony__identifier",
        "note",
    )
    date_hierarchy = "created"
    autocomplete_fields = ("testimony", "statement", "other_testimony")
    fields = ("testimony", "relation", "statement", "other_testimony", "note")

    @admin.display(description=gettext_lazy("linked to"))
    def target_column(self, obj):
        return obj.target

    @admin.display(description=gettext_lazy("note"))
    def note_excerpt(self, obj):
        return Truncator(obj.note).chars(80)
