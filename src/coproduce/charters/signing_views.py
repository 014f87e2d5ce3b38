"""The call to action's pages: a published version with its signatories, its short link, the
signing form, the link that confirms or withdraws a signature, re-confirming on a new version,
publishing, and the organisers' CSV of signatures. Each view goes through a door; writes go
through `publishing`."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.core.charts import Series, horizontal_bars
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door
from coproduce.core.qr import qr_svg
from coproduce.core.ratelimit import address_key, hit

from . import emails, exports, publishing
from .models import Version
from .selectors import find_published, find_version
from .signing_forms import SignForm

SIGNATURES_PAGE_SIZE = 100
CODE = re.compile(r"[A-Za-z0-9]{1,16}")
RATE_SCOPE = "charter_sign"  # settings.RATE_LIMITS
EMAIL_RATE_SCOPE = "charter_sign_email"  # per typed address: many addresses cannot shield one


def find_by_code(request, code: str) -> Version:
    if not CODE.fullmatch(code):
        raise Http404
    return get_object_or_404(
        Version.objects.select_related("charter__coalition"),
        short_code=code.upper(),
        published_at__isnull=False,
    )


def find_signature(request, token: str):
    """The signature the link's secret names; a wrong or old link gets a page that says so."""
    signature = publishing.signature_for_token(token)
    if signature is None:
        return render(request, "charters/signature_link.html", {"bad_link": True}, status=404)
    return signature


def find_reconfirmation(request, token: str):
    try:
        return emails.reconfirm_target(token)
    except emails.BadLink as error:
        context = {"bad_link": True, "problem": str(error)}
        return render(request, "charters/signature_link.html", context, status=404)


def _call_url(version: Version) -> str:
    return emails.call_path(version)


def sector_chart(counts: list[publishing.SectorCount]) -> str:
    return horizontal_bars(
        title=_("Signatures by sector"),
        description="; ".join(
            _("%(sector)s: %(count)s") % {"sector": c.label, "count": c.count} for c in counts
        )
        or _("Nobody has signed yet."),
        categories=[c.label for c in counts],
        series=[Series(_("Signatures"), [c.count for c in counts])],
        chart_id="signatures-chart",
    )


@door(get=Action.VIEW, find=find_version)
def call(request, version):
    """The call to action: its words, how many signed and who, the short link and QR code."""
    visitor = Visitor.of(request)
    counts = publishing.sector_counts(version)
    short_url = ""
    if version.short_code:
        short_url = request.build_absolute_uri(
            reverse("charters:short_link", args=[version.short_code])
        )
    signatures = Paginator(publishing.public_signatures(version), SIGNATURES_PAGE_SIZE)
    latest = publishing.latest_published(version.charter)
    context = {
        "version": version,
        "charter": version.charter,
        "coalition": version.charter.coalition,
        "counts": counts,
        "total": sum(c.count for c in counts),
        "chart": sector_chart(counts) if counts else "",
        "signatures": signatures.get_page(request.GET.get("page")),
        "short_url": short_url,
        "qr": qr_svg(short_url, scale=4) if short_url else "",
        "problem": publishing.signable_problem(version),
        # Only a newer published version replaces this one (a draft's page says nothing).
        "latest": latest if latest and latest.number > version.number else None,
        "may_publish": can(visitor, Action.EDIT_CHARTER, version),
        "may_sign": can(visitor, Action.SIGN, version),
        "mine": list(publishing.own_signatures(version, request.user)),
    }
    return render(request, "charters/call.html", context)


@door(get=Action.VIEW, find=find_by_code)
def short_link(request, version):
    return redirect(_call_url(version))


@door(get=Action.SIGN, post=Action.SIGN, find=find_version)
def sign(request, version):
    problem = publishing.signable_problem(version)
    form = SignForm(request.POST or None, initial=_known(request.user))
    if request.method == "POST" and not problem and form.is_valid():
        hit(RATE_SCOPE, address_key(request))
        hit(EMAIL_RATE_SCOPE, "email:" + publishing.fold(form.cleaned_data["email"]))
        try:
            signature = publishing.start_signature(
                version,
                form.signature_data(),
                user=request.user,
                language=translation.get_language() or "",
            )
        except publishing.SigningError as error:
            form.add_error(error.field, error.message)
        else:
            request.session["charters_signed"] = signature.email
            return redirect("charters:signed", *_args(version))
    latest = publishing.latest_published(version.charter)
    newer = latest if latest and latest.number > version.number else None
    context = {
        "version": version,
        "charter": version.charter,
        "form": form,
        "problem": problem,
        # Replaced: the typed values go on to the latest version's form, nothing is lost.
        "target": newer or version,
        "may_post": not problem or newer is not None,
    }
    return render(request, "charters/sign.html", context)


def _known(user) -> dict:
    """What the form can start from for someone signed in: their name, address, sector and
    organisation (each can be changed; nothing is signed until they press Sign)."""
    if not user.is_authenticated:
        return {}
    organisation = user.organisation.name if user.organisation_id else ""
    return {
        "name": user.full_name,
        "email": user.email,
        "sector": user.sector,
        "organisation_name": organisation,
        "signing_as": SignForm.ORGANISATION if organisation else SignForm.INDIVIDUAL,
    }


def _args(version: Version) -> list:
    return [version.charter.coalition.slug, version.charter_id, version.number]


@door(get=Action.SIGN, find=find_version)
def signed(request, version):
    """After signing: look in your inbox (the address is shown only to whoever typed it)."""
    context = {"version": version, "email": request.session.get("charters_signed", "")}
    return render(request, "charters/signed.html", context)


@door(get=Action.ENTER, post=Action.ENTER, find=find_signature)
def signature(request, signature):
    """The link from the email: confirm the signature, or later withdraw it."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                publishing.withdraw(signature)
                messages.success(request, _("Your signature is withdrawn. It shows as withdrawn."))
            else:
                publishing.confirm(signature)
                messages.success(request, _("Thank you: your signature is confirmed and counts."))
                _point_to_newer(request, signature)
        except publishing.SigningError as error:
            messages.error(request, error.message)
        return redirect(request.path)
    version = signature.version
    context = {"signature": signature, "version": version, "call_url": _call_url(version)}
    return render(request, "charters/signature_link.html", context)


def _point_to_newer(request, signature) -> None:
    """Confirmed on a version replaced since: ask by email to re-confirm, and say so here."""
    newer = publishing.ask_to_reconfirm_newer(signature, language=translation.get_language() or "")
    if newer is not None:
        messages.info(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("This version has been replaced since; we emailed you a link to re-confirm."),
                _call_url(newer),
                _("Read version %(number)s") % {"number": newer.number},
            ),
        )


@door(get=Action.ENTER, post=Action.ENTER, find=find_reconfirmation)
def reconfirm(request, found):
    """The link asking an earlier signatory to sign the new version: what changed, and a
    button that carries the signature over (or withdraws the carried one)."""
    earlier, version = found
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                carried = publishing.carried_signature(earlier, version)
                if carried is not None:
                    publishing.withdraw(carried)
                messages.success(request, _("Your signature of the new version is withdrawn."))
            else:
                publishing.reconfirm(earlier, version)
                messages.success(request, _("Thank you: you have signed the new version."))
        except publishing.SigningError as error:
            messages.error(request, error.message)
        return redirect(request.path)
    context = {
        "earlier": earlier,
        "version": version,
        "carried": publishing.carried_signature(earlier, version),
        "changes": emails.changes(earlier.version, version),
        "problem": publishing.signable_problem(version),
        "call_url": _call_url(version),
    }
    return render(request, "charters/sign_again.html", context)


@door(post=Action.SIGN, find=find_version)
def withdraw_mine(request, version):
    """Withdraw, signed in, the signature this person made on this version."""
    if publishing.withdraw_own(version, request.user):
        messages.success(request, _("Your signature is withdrawn. It shows as withdrawn."))
    return redirect(_call_url(version))


@door(post=Action.EDIT_CHARTER, find=find_version)
def publish(request, version):
    back = _call_url(version)
    if not confirmed(request):
        earlier = publishing.earlier_published(version)
        question = Question(
            title=_("Publish version %(number)s as the call to action?")
            % {"number": version.number},
            losses=[
                _("A published version never changes: later changes become a new version."),
                _("Anyone who may see the coalition can read and sign it."),
            ]
            + (
                [
                    _("Those who signed version %(number)s are asked to re-confirm.")
                    % {"number": earlier.number}
                ]
                if earlier
                else []
            ),
            yes=_("Yes, publish it"),
            cancel_url=back,
        )
        return ask_first(request, question)
    try:
        publishing.publish(version, by=request.user, language=translation.get_language() or "")
    except publishing.SigningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published. Share the short link or the QR code."))
    return redirect(back)


@door(get=Action.EDIT_CHARTER, find=find_version)
def signatures_csv(request, version):
    """Every signature of the version as a spreadsheet, for the organisers."""
    return exports.signatures_csv_response(version)


@door(get=Action.VIEW, find=find_published)
def call_csv(request, version):
    """The published call's public signatures as a spreadsheet, for anyone who may read it."""
    return exports.public_csv_response(version)


@door(get=Action.VIEW, find=find_published)
def call_json(request, version):
    """The published call, its words and public signatures, as JSON."""
    return exports.public_json_response(version)
