"""Testimonies: the editors' daily work — the list, the form, cross-references, the workflow, bulk actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from testimony import locking, plaintext, public, workflow
from testimony.models import CrossReference, Place, Revision, Status, Tag, Testimony, WorkflowEvent

from .base import PlainText, VersionedAdmin, VersionedForm, _done, https_formfield, restore_reason

# Form fields whose change, on a public testimony, is a change readers see and must be summarised.
PUBLIC_FORM_FIELDS = set(public.PUBLIC_FIELDS[Testimony]) - {"identifier", "status", "published_at"}


class TestimonyForm(VersionedForm):
    workflow_comment = forms.CharField(
        label=gettext_lazy("Workflow comment"),
        required=False,
        validators=[plaintext.reject_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Internal. Recorded in the workflow history when you change the status; required when you send a "
            "testimony back to draft."
        ),
    )
    user = None  # set on the class built for each request by TestimonyAdmin.get_form

    class Meta:
        model = Testimony
        fields = "__all__"
        formfield_callback = https_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_status = self.instance.status if self.instance.pk is not None else None
        if "change_summary" in self.fields:
            # A summary describes one save: start empty every time.
            self.initial["change_summary"] = ""
            if self.from_status in workflow.PUBLIC:
                self.fields["change_summary"].help_text = _(
                    "Public, required: one line for the change log saying what you changed and why."
                )
        if "status" in self.fields and self.user is not None:
            allowed = workflow.allowed_statuses(self.user, self.from_status)
            self.fields["status"].choices = [(value, Status(value).label) for value in allowed]

    def clean(self):
        cleaned = super().clean()
        if self.errors and "__all__" in self.errors:
            return cleaned  # a stale version: nothing else matters until the editor reloads
        status = cleaned.get("status", self.from_status)
        if status is None or self.user is None:
            return cleaned
        try:
            workflow.check(
                self.user,
                self.from_status,
                status,
                retraction_note=cleaned.get("retraction_note", ""),
                comment=cleaned.get("workflow_comment", ""),
            )
        except workflow.WorkflowError as refused:
            self.add_error(refused.field if refused.field in self.fields else None, refused.message)
        public_change = PUBLIC_FORM_FIELDS.intersection(self.changed_data)
        if (
            self.from_status in workflow.PUBLIC
            and status == self.from_status
            and public_change
            and not cleaned.get("change_summary", "").strip()
            and not getattr(self.instance, "_history", None)
        ):
            self.add_error(
                "change_summary",
                _("Readers see this change: summarise it in one line for the public change log."),
            )
        return cleaned


class StatementReferenceInline(PlainText, admin.TabularInline):
    """Links from this testimony to official statements it corroborates or contradicts."""

    model = CrossReference
    fk_name = "testimony"
    fields = ("relation", "statement", "note")
    autocomplete_fields = ("statement",)
    extra = 0
    verbose_name = gettext_lazy("link to an official statement")
    verbose_name_plural = gettext_lazy("Links to official statements")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(statement__isnull=False).select_related("statement")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "note":
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return field


class TestimonyReferenceInline(StatementReferenceInline):
    """Links from this testimony to other testimonies."""

    fields = ("relation", "other_testimony", "note")
    autocomplete_fields = ("other_testimony",)
    verbose_name = gettext_lazy("link to another testimony")
    verbose_name_plural = gettext_lazy("Links to other testimonies")

    def get_queryset(self, request):
        return (
            super(StatementReferenceInline, self)
            .get_queryset(request)
            .filter(other_testimony__isnull=False)
            .select_related("other_testimony")
        )


class ReferencedByInline(admin.TabularInline):
    """Other testimonies that link to this one (edited on their own pages)."""

    model = CrossReference
    fk_name = "other_testimony"
    fields = ("testimony", "relation", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = gettext_lazy("link from another testimony")
    verbose_name_plural = gettext_lazy("Linked from other testimonies")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("testimony")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordInline(admin.TabularInline):
    """A read-only list of records the archive writes itself; visible to whoever may view the testimony."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("testimony.view_testimony")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkflowEventInline(RecordInline):
    model = WorkflowEvent
    fields = ("created", "user", "from_status", "to_status", "comment")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Workflow history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class RevisionInline(RecordInline):
    model = Revision
    fields = ("permalink", "published", "summary")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Public revisions (what readers can cite)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("testimony")

    @admin.display(description=gettext_lazy("revision"))
    def permalink(self, revision):
        return format_html('<a href="{}">{}</a>', revision.get_absolute_url(), _("Revision %d") % revision.number)


class PlaceFilter(admin.SimpleListFilter):
    """Filter by a country, region or city: everything beneath it is included."""

    title = gettext_lazy("place")
    parameter_name = "place"

    def lookups(self, request, model_admin):
        places = Place.objects.filter(depth__lte=1).order_by("path").only("pk", "name", "depth")
        return [(str(p.pk), ("— " * p.depth) + p.name) for p in places]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        place = Place.objects.filter(pk=self.value()).first() if self.value().isdigit() else None
        if place is None:
            return queryset.none()
        return queryset.in_place(place)


class ActionForm(forms.Form):
    """The intermediate page of a bulk action that needs more than a click."""

    summary = forms.CharField(
        label=gettext_lazy("Public change summary"),
        required=False,
        max_length=300,
        validators=[plaintext.reject_control_characters],
        help_text=gettext_lazy("Public: recorded in the change log of each published testimony changed."),
    )


class RetractForm(ActionForm):
    retraction_note = forms.CharField(
        label=gettext_lazy("Public retraction note"),
        validators=[plaintext.reject_control_characters],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("Shown on each retracted testimony's page: say why it is retracted."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Workflow comment"),
        required=False,
        validators=[plaintext.reject_control_characters],
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("Internal."),
    )


class TagForm(ActionForm):
    tag = forms.ModelChoiceField(
        label=gettext_lazy("Credibility tag"),
        queryset=Tag.objects.select_related("group"),
    )


@admin.register(Testimony)
class TestimonyAdmin(VersionedAdmin):
    form = TestimonyForm
    list_display = (
        "identifier",
        "title_column",
        "status_column",
        "when",
        "place",
        "witness_column",
        "tag_list",
        "updated_column",
    )
    list_display_links = ("identifier", "title_column")
    list_filter = ("status", PlaceFilter, "tags", "source", "is_date_approximate", "part_of_day", "language")
    list_select_related = ("place", "witness", "updated_by")
    list_per_page = 50
    search_fields = ("=identifier", "title")
    search_help_text = gettext_lazy("An identifier (T-0042) or words from the title, account, place or tags.")
    date_hierarchy = "date_start"
    autocomplete_fields = ("witness", "place", "source", "tags", "incidents")
    readonly_fields = (
        "identifier",
        "version",
        "published_at",
        "created",
        "created_by",
        "updated",
        "updated_by",
    )
    fieldsets = (
        (None, {"fields": ("identifier", "title", "body", ("language", "translation"), "read_version")}),
        (gettext_lazy("Who"), {"fields": ("witness",)}),
        (
            gettext_lazy("When and where"),
            {"fields": (("date_start", "date_end"), ("part_of_day", "is_date_approximate"), "place")},
        ),
        (
            gettext_lazy("Source"),
            {"fields": ("source", "source_url", ("source_published", "collected_on"))},
        ),
        (gettext_lazy("Credibility and incidents"), {"fields": ("tags", "incidents")}),
        (
            gettext_lazy("Editorial"),
            {"fields": ("status", "workflow_comment", "retraction_note", "change_summary", "editor_notes")},
        ),
        (
            gettext_lazy("Record"),
            {
                "classes": ("collapse",),
                "fields": (("version", "published_at"), ("created", "created_by"), ("updated", "updated_by")),
            },
        ),
    )
    inlines = (
        StatementReferenceInline,
        TestimonyReferenceInline,
        ReferencedByInline,
        WorkflowEventInline,
        RevisionInline,
    )
    actions = ("publish_selected", "submit_selected", "retract_selected", "add_tag", "remove_tag", "delete_selected")
    show_full_result_count = False  # a million rows: don't count them all on every page

    # --- the list ------------------------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(Prefetch("tags", queryset=Tag.objects.only("pk", "name")))

    @admin.display(description=gettext_lazy("title"), ordering="title")
    def title_column(self, obj):
        return Truncator(obj.title).chars(70)

    @admin.display(description=gettext_lazy("when"), ordering="date_start")
    def when(self, obj):
        start, end = obj.date_start, obj.date_end
        if start == end:
            text = date_format(start, "j M Y")
        elif (start.year, start.month) == (end.year, end.month):
            text = f"{date_format(start, 'j')}–{date_format(end, 'j M Y')}"
        else:
            text = f"{date_format(start, 'j M Y')} – {date_format(end, 'j M Y')}"
        if obj.part_of_day:
            text += f", {obj.get_part_of_day_display()}"
        return f"≈ {text}" if obj.is_date_approximate else text

    @admin.display(description=gettext_lazy("witness"), ordering="witness__descriptor")
    def witness_column(self, obj):
        return Truncator(obj.witness.descriptor).chars(30)

    @admin.display(description=gettext_lazy("updated"), ordering="updated")
    def updated_column(self, obj):
        return date_format(timezone.localtime(obj.updated), "SHORT_DATE_FORMAT")

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, obj):
        return format_html('<span class="status status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=gettext_lazy("credibility tags"))
    def tag_list(self, obj):
        return Truncator(", ".join(tag.name for tag in obj.tags.all())).chars(40)

    def get_search_results(self, request, queryset, search_term):
        """An identifier finds that testimony; anything else goes to the archive's full-text search, or (if that is
        unavailable or refuses the query) to a plain title and account match."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.upper().startswith(f"{Testimony.IDENTIFIER_PREFIX}-"):
            return queryset.filter(identifier__iexact=term), False
        try:
            from testimony.search import SearchQueryError
            from testimony.search import search as full_text
        except ImportError:
            full_text = None
        if full_text is not None:
            try:
                return queryset.filter(pk__in=full_text(Testimony.objects.all(), term).values("pk")), False
            except SearchQueryError as error:
                self.message_user(request, str(error), messages.WARNING)
            except Exception:  # noqa: BLE001 - the admin must keep working whatever the search engine says
                pass
        return queryset.filter(title__icontains=term) | queryset.filter(body__icontains=term), False

    # --- permissions: contributors never publish, public entries are never deleted -------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, self._current(obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_delete(request.user, self._current(obj))

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.SUBMIT)

    @staticmethod
    def _current(obj):
        """A restore page passes a copy built from an old record: decide on the row as it is now."""
        if getattr(obj, "_history", None) is not None:
            return Testimony.objects.filter(pk=obj.pk).first() or obj
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    # --- saving ---------------------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        summary = form.cleaned_data.get("change_summary", "")
        reason = restore_reason(request, obj)
        if reason and not summary and obj.status in workflow.PUBLIC:
            summary = _("Restored an earlier version.")
        workflow.save_testimony(
            obj,
            user=request.user,
            expected_version=form.cleaned_data.get("read_version") if change else None,
            from_status=form.from_status,
            comment=form.cleaned_data.get("workflow_comment", ""),
            summary=summary,
            save_m2m=form.save_m2m,
            reason=reason,
        )
        form.save_m2m = _done

    def delete_model(self, request, obj):
        if not workflow.can_delete(request.user, obj):
            raise PermissionDenied
        obj._change_reason = _("Deleted %(status)s") % {"status": obj.get_status_display().lower()}
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(status__in=workflow.PUBLIC).exists():
            raise PermissionDenied
        for obj in queryset:
            self.delete_model(request, obj)  # one by one, so each deletion is recorded with who did it

    # --- bulk actions -----------------------------------------------------------------------------------------------

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected drafts"))
    def delete_selected(self, request, queryset):
        public = list(queryset.filter(status__in=workflow.PUBLIC).values_list("identifier", flat=True)[:20])
        if public:
            self.message_user(
                request,
                _(
                    "Published and retracted testimonies are never deleted, only retracted. Nothing was deleted. "
                    "Deselect: %(ids)s."
                )
                % {"ids": ", ".join(public)},
                messages.ERROR,
            )
            return None
        return django_delete_selected(self, request, queryset)

    @admin.action(permissions=["publish"], description=gettext_lazy("Publish selected testimonies"))
    def publish_selected(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)

    @admin.action(permissions=["submit"], description=gettext_lazy("Submit selected testimonies for review"))
    def submit_selected(self, request, queryset):
        self._move(request, queryset, Status.REVIEW)

    @admin.action(permissions=["publish"], description=gettext_lazy("Retract selected testimonies…"))
    def retract_selected(self, request, queryset):
        form = RetractForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._move(
                request,
                queryset,
                Status.RETRACTED,
                retraction_note=form.cleaned_data["retraction_note"],
                comment=form.cleaned_data["comment"],
                summary=form.cleaned_data["summary"],
            )
            return None
        return self._intermediate(
            request, queryset, form, "retract_selected", _("Retract testimonies"), _("Retract them")
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Add a credibility tag to selected…"))
    def add_tag(self, request, queryset):
        return self._change_tag(request, queryset, add=True)

    @admin.action(permissions=["change"], description=gettext_lazy("Remove a credibility tag from selected…"))
    def remove_tag(self, request, queryset):
        return self._change_tag(request, queryset, add=False)

    def _change_tag(self, request, queryset, *, add):
        form = TagForm(request.POST if "confirm" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            title = _("Add a credibility tag") if add else _("Remove a credibility tag")
            return self._intermediate(
                request, queryset, form, "add_tag" if add else "remove_tag", title, _("Apply to all")
            )
        tag = form.cleaned_data["tag"]
        changed, refused = 0, []
        for testimony in queryset:
            try:
                if workflow.change_tag(
                    testimony, tag, add=add, user=request.user, summary=form.cleaned_data["summary"] or None
                ):
                    changed += 1
            except (workflow.WorkflowError, locking.StaleEdit) as error:
                refused.append(f"{testimony.identifier}: {error.message}")
        self._report(request, changed, refused)
        return None

    def _move(self, request, queryset, to_status, **kwargs):
        moved, refused = 0, []
        for testimony in queryset:
            if testimony.status == to_status:
                continue
            try:
                workflow.move(testimony, to_status, user=request.user, **kwargs)
                moved += 1
            except (workflow.WorkflowError, locking.StaleEdit) as error:
                refused.append(f"{testimony.identifier}: {error.message}")
        self._report(request, moved, refused, verb=workflow.VERBS[to_status])

    def _report(self, request, done, refused, verb=None):
        if done:
            if verb:
                text = ngettext("%(count)d testimony %(verb)s.", "%(count)d testimonies %(verb)s.", done) % {
                    "count": done,
                    "verb": verb,
                }
            else:
                text = ngettext("%(count)d testimony changed.", "%(count)d testimonies changed.", done) % {
                    "count": done
                }
            self.message_user(request, text, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not changed: %(list)s") % {"list": " · ".join(refused)},
                messages.ERROR,
            )
        if not done and not refused:
            self.message_user(request, _("Nothing to change."), messages.INFO)

    def _intermediate(self, request, queryset, form, action, title, button):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action": action,
            "button": button,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/testimony/testimony/action_form.html", context)

    # --- extra pages: import (the import helper's view) and deleted drafts ---------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{info[0]}_{info[1]}_deleted",
            )
        ]
        try:
            from . import imports
        except ImportError:
            imports = None
        if imports is not None and hasattr(imports, "import_view"):
            urls.append(
                path("import/", self.admin_site.admin_view(imports.import_view), name=f"{info[0]}_{info[1]}_import")
            )
        return urls + super().get_urls()

    def deleted_view(self, request):
        """Drafts deleted through the admin: what, who and when (from their last history record)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        records = (
            Testimony.history.filter(history_type="-")
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted testimonies"),
            "opts": self.opts,
            "records": records,
        }
        return TemplateResponse(request, "admin/testimony/testimony/deleted.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        try:
            import_url = reverse("admin:testimony_testimony_import")
        except NoReverseMatch:
            import_url = None
        extra_context["import_url"] = import_url if request.user.has_perm("testimony.import_testimonies") else None
        extra_context["deleted_url"] = reverse("admin:testimony_testimony_deleted")
        return super().changelist_view(request, extra_context)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    """Every move of every testimony, newest first: who submitted, published, sent back or retracted what."""

    list_display = ("created", "testimony", "from_status", "to_status", "user", "comment_excerpt")
    list_filter = ("to_status", "from_status", "user")
    list_select_related = ("testimony", "user")
    search_fields = ("=testimony__identifier", "testimony__title", "comment")
    date_hierarchy = "created"
    ordering = ("-created", "-id")

    @admin.display(description=gettext_lazy("comment"))
    def comment_excerpt(self, obj):
        return Truncator(obj.comment).chars(80)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("testimony.view_testimony")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(WorkflowEventAdmin):
    """Every public, citable revision: what readers can cite, and the change summary they read."""

    list_display = ("testimony", "number", "published", "summary", "permalink")
    list_filter = ()
    list_select_related = ("testimony",)
    search_fields = ("=testimony__identifier", "testimony__title", "summary")
    date_hierarchy = "published"
    ordering = ("-published", "-id")

    @admin.display(description=gettext_lazy("permalink"))
    def permalink(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
