"""Witnesses, and their confidential identities.

A witness's identity (real name, contact, consent, private notes) is shown, searched and recorded in history only for
users holding ``testimony.view_witnessidentity`` (changed only with ``change_witnessidentity``). For everyone else it
does not exist anywhere in the admin: no inline, no column, no search match, no history entry, no autocomplete hit.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from testimony.models import Witness, WitnessIdentity

from .base import HistoryAdmin, PlainText

VIEW_IDENTITY = "testimony.view_witnessidentity"


def may_see_identities(request):
    return request.user.has_perm(VIEW_IDENTITY)


class WitnessIdentityInline(PlainText, admin.StackedInline):
    model = WitnessIdentity
    fields = ("real_name", "contact", "consent", "anonymity", "private_notes")
    extra = 0
    max_num = 1
    can_delete = False
    verbose_name_plural = gettext_lazy("Confidential identity (never public)")


@admin.register(Witness)
class WitnessAdmin(HistoryAdmin):
    list_display = ("descriptor", "role", "testimony_count", "updated")
    list_filter = ("role",)
    search_fields = ("descriptor",)
    search_help_text = gettext_lazy("Words from the public descriptor.")
    date_hierarchy = "created"
    readonly_fields = ("created", "updated")
    fields = ("descriptor", "role", "created", "updated")
    inlines = (WitnessIdentityInline,)
    ordering = ("descriptor", "id")  # the model's ordering is dropped from the counted (grouped) query

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_testimonies=Count("testimonies"))

    @admin.display(description=gettext_lazy("testimonies"), ordering="n_testimonies")
    def testimony_count(self, obj):
        return obj.n_testimonies

    def get_inline_instances(self, request, obj=None):
        if not may_see_identities(request):
            return []
        return super().get_inline_instances(request, obj)

    def get_search_fields(self, request):
        if may_see_identities(request):
            return ("descriptor", "identity__real_name")
        return ("descriptor",)

    def get_list_display(self, request):
        if may_see_identities(request):
            return (*self.list_display, "consent")
        return self.list_display

    def get_list_select_related(self, request):
        return ("identity",) if may_see_identities(request) else ()

    @admin.display(description=gettext_lazy("consent"), ordering="identity__consent")
    def consent(self, obj):
        identity = getattr(obj, "identity", None) if hasattr(obj, "identity") else None
        return identity.get_consent_display() if identity else "—"


@admin.register(WitnessIdentity)
class WitnessIdentityAdmin(HistoryAdmin):
    """Registered on its own for those who hold the permission; invisible to everyone else (Django hides a model
    from users without any of its permissions)."""

    list_display = ("witness", "real_name", "consent", "anonymity", "updated")
    list_filter = ("consent", "anonymity")
    list_select_related = ("witness",)
    search_fields = ("witness__descriptor", "real_name")
    autocomplete_fields = ("witness",)
    readonly_fields = ("updated",)
