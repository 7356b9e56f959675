"""The credibility vocabulary (tag groups and tags), sources, and the identifier counters."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from testimony.models import Counter, Source, Tag, TagGroup

from .base import HistoryAdmin, PlainText, ReadOnlyAdmin


class TagInline(PlainText, admin.TabularInline):
    model = Tag
    fields = ("name", "slug", "definition", "position")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


@admin.register(TagGroup)
class TagGroupAdmin(HistoryAdmin):
    list_display = ("name", "slug", "position", "tag_count")
    list_editable = ("position",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TagInline,)
    ordering = ("position", "name")  # the model's ordering is dropped from the counted (grouped) query

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_tags=Count("tags"))

    @admin.display(description=gettext_lazy("tags"), ordering="n_tags")
    def tag_count(self, obj):
        return obj.n_tags


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ("name", "group", "slug", "position")
    list_filter = ("group",)
    list_select_related = ("group",)
    search_fields = ("name", "definition", "group__name")
    autocomplete_fields = ("group",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ("name", "kind", "url")
    list_filter = ("kind",)
    search_fields = ("name", "url", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    """The numbers behind citable identifiers. Read-only: lowering one would reuse an identifier."""

    list_display = ("name", "value")
