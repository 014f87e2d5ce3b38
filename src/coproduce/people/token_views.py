"""Personal API tokens on the profile: the list, making one (shown once) and revoking one.

The raw token appears in exactly one response: the answer to the POST that made it. It is never
put in a URL, the session or a message, and that answer is marked not to be cached, so going
back or reloading cannot show it again.
"""

import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import SIGNED_IN, NeedsLogin, door
from coproduce.core.ratelimit import hit

from . import tokens
from .forms import ProfileForm
from .models import ApiToken

READ, WRITE = "read", "write"
NO_EXPIRY = "none"
EXPIRY_DAYS = {"30": 30, "90": 90, "365": 365}
# A form sent twice (a reload of the page that shows the token asks to send it again) makes
# one token: its one-time field is remembered this long.
ONCE_SECONDS = 24 * 3600


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=tokens.NAME_MAX,
        help_text=gettext_lazy("What the token is for, such as “Council dashboard”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("What the program may do"),
        choices=[
            (READ, gettext_lazy("Read only")),
            (WRITE, gettext_lazy("Read and write (register, vote, add notes and updates)")),
        ],
        initial=READ,
        widget=forms.RadioSelect,
    )
    expiry = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        choices=[
            ("30", gettext_lazy("In 30 days")),
            ("90", gettext_lazy("In 90 days")),
            ("365", gettext_lazy("In a year")),
            (NO_EXPIRY, gettext_lazy("Never")),
        ],
        initial="90",
    )
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def expires_at(self, now):
        days = EXPIRY_DAYS.get(self.cleaned_data["expiry"])
        return None if days is None else now + timedelta(days=days)


def token_section(person, form: TokenForm | None = None) -> dict:
    """What the profile's "Tokens for programs" section needs (one query for the list)."""
    return {
        # Tokens still in force first, then the revoked ones, most recently revoked first.
        "api_tokens": list(
            ApiToken.objects.filter(person=person).order_by(
                F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
            )
        ),
        "token_form": form or TokenForm(initial={"once": secrets.token_urlsafe(16)}),
        "tokens_max": tokens.LIVE_TOKENS_MAX,
        "now": timezone.now(),
    }


def _profile_with(request, form: TokenForm, status: int):
    page = {"form": ProfileForm(instance=request.user), **token_section(request.user, form)}
    return render(request, "people/profile.html", page, status=status)


def _first_use(once: str) -> bool:
    """True the first time a form's one-time value is seen (always, when it has none)."""
    return not once or cache.add(f"coproduce.token-form:{once}", True, ONCE_SECONDS)


@door(post=SIGNED_IN)
def create_token(request):
    person = request.user
    hit("api_token", f"person:{person.pk}")
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile_with(request, form, status=400)
    if not _first_use(form.cleaned_data["once"]):
        messages.info(request, _("That form was already sent; the token was shown then."))
        return redirect(reverse("people:profile") + "#tokens")
    now = timezone.now()
    try:
        token, raw = tokens.issue(
            person,
            name=form.cleaned_data["name"],
            write=form.cleaned_data["scope"] == WRITE,
            expires_at=form.expires_at(now),
            now=now,
        )
    except tokens.TokenRefused as refused:
        form.add_error("name" if refused.reason == "name" else None, str(refused))
        return _profile_with(request, form, status=400)
    page = {"token": token, "raw": raw, "api_url": request.build_absolute_uri("/api/")}
    response = render(request, "people/token_created.html", page)
    response["Cache-Control"] = "no-store"
    return response


def find_own_token(request, token_id: int) -> ApiToken:
    """The signed-in person's token: anyone else's is as unknown as one that does not exist."""
    if not request.user.is_authenticated:
        raise NeedsLogin
    token = ApiToken.objects.filter(pk=token_id, person=request.user).first()
    if token is None:
        raise Http404("No such token.")
    return token


@door(post=SIGNED_IN, find=find_own_token)
def revoke_token(request, token: ApiToken):
    if token.revoked_at is not None:
        messages.info(request, _("That token was already revoked."))
        return redirect(reverse("people:profile") + "#tokens")
    if not confirmed(request):
        question = Question(
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            losses=[_("Programs using it will be refused from now on. This cannot be undone.")],
            yes=_("Yes, revoke it"),
            cancel_url=reverse("people:profile") + "#tokens",
        )
        return ask_first(request, question)
    tokens.revoke(token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("people:profile") + "#tokens")
