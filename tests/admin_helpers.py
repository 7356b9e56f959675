"""Reading an admin form back as the browser would post it, for tests that save through the admin."""

import datetime

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _put(data, name, value):
    if value is None:
        return
    if isinstance(value, bool):
        if value:
            data[name] = "on"
        return
    if isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
        return
    if isinstance(value, datetime.date):
        data[name] = value.isoformat()
        return
    data[name] = str(value)


def form_data(response):
    """The data the change (or add) form in ``response`` would post unchanged: main form, inlines, management forms."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form[name].html_name, form[name].value())
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            _put(data, management[name].html_name, management[name].value())
        for inline_form in formset.forms:
            for name in inline_form.fields:
                _put(data, inline_form[name].html_name, inline_form[name].value())
    return data


def errors_of(response):
    """Every error message on a re-displayed admin form, as one string (empty when the save went through)."""
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return ""
    form = response.context["adminform"].form
    messages = [str(e) for errors in form.errors.values() for e in errors]
    for inline in response.context.get("inline_admin_formsets", []):
        messages += [str(e) for e in inline.formset.non_form_errors()]
        for errors in inline.formset.errors:
            messages += [str(e) for field_errors in errors.values() for e in field_errors]
    return " | ".join(messages)
