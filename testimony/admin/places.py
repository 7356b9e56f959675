"""The gazetteer and the incidents that happened in it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from testimony.models import Incident, Place

from .base import HistoryAdmin


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = ("indented_name", "kind", "parent", "latitude", "longitude")
    list_filter = ("kind", "depth")
    list_select_related = ("parent",)
    search_fields = ("name", "other_names", "slug")
    search_help_text = gettext_lazy("Words from the name or its other spellings.")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("path", "depth")
    fields = ("name", "other_names", "slug", "kind", "parent", ("latitude", "longitude"), ("path", "depth"))
    ordering = ("path",)

    @admin.display(description=gettext_lazy("name"), ordering="path")
    def indented_name(self, obj):
        return ("— " * obj.depth) + obj.name


@admin.register(Incident)
class IncidentAdmin(HistoryAdmin):
    list_display = ("name", "date_start", "date_end", "is_date_approximate", "place")
    list_filter = ("is_date_approximate",)
    list_select_related = ("place",)
    search_fields = ("name", "description")
    date_hierarchy = "date_start"
    autocomplete_fields = ("place",)
    prepopulated_fields = {"slug": ("name",)}
