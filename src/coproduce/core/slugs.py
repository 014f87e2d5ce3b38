from django.utils.text import slugify


def unique_slug(model, text: str, max_length: int = 80, field: str = "slug") -> str:
    """A slug from `text` that no row of `model` uses yet: name, name-2, name-3, ..."""
    base = slugify(text, allow_unicode=False)[: max_length - 6].strip("-") or "item"
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
