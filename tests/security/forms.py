"""A form or formset's current values as the browser would post them back unchanged."""

from django import forms


def form_data(form) -> dict:
    if isinstance(form, forms.BaseFormSet):
        data = form_data(form.management_form)
        for member in form.forms:
            data.update(form_data(member))
        return data
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        widget = bound.field.widget
        key = bound.html_name
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            continue
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
            continue
        formatted = widget.format_value(value)
        if isinstance(formatted, list):
            formatted = formatted[0] if formatted else None
        if formatted is not None:
            data[key] = formatted
    return data
