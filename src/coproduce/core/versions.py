"""Which two versions a "compare versions" page shows (a charter's, a strategy's), read from
its query string: `?from=2&to=5`."""

from django import forms


class _Pair(forms.Form):
    start = forms.IntegerField(min_value=1, max_value=2_000_000_000, required=False)
    end = forms.IntegerField(min_value=1, max_value=2_000_000_000, required=False)


def picked_pair(params, last: int) -> tuple[int, int]:
    """The older and the newer version number: by default the latest against the one before;
    numbers past the latest mean the latest, and "from 3 to 1" means 1 against 3. Anything
    malformed is the default, never an error (the link may have been typed)."""
    end, start = last, max(last - 1, 1)
    picked = _Pair({"start": params.get("from"), "end": params.get("to")})
    if picked.is_valid():
        end = min(picked.cleaned_data["end"] or end, last)
        start = min(picked.cleaned_data["start"] or max(end - 1, 1), last)
        start, end = min(start, end), max(start, end)
    return start, end
