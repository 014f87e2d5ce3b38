from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.core.charts import Series, horizontal_bars
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door

from . import selectors, services
from .forms import CoalitionForm, InvitationForm, OrganisationForm, RoleForm
from .models import Coalition, Invitation, Membership
from .panels import panels
from .permissions import Action, can, role_in, visible_coalitions

PAGE_SIZE = 25


def find_coalition(request, slug: str) -> Coalition:
    return get_object_or_404(Coalition.objects.select_related("city"), slug=slug)


def find_invitation(request, token: str) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("coalition"), token=token)


@door(get=Action.PUBLIC)
def coalition_list(request):
    coalitions = visible_coalitions(request.user).select_related("city").order_by("name")
    page = Paginator(coalitions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coalitions/list.html", {"page": page})


@door(get=Action.SIGNED_IN, post=Action.SIGNED_IN)
def coalition_create(request):
    form = CoalitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        coalition = services.create_coalition(person=request.user, **form.cleaned_data)
        messages.success(request, _("Your coalition is ready. Invite its members next."))
        return redirect("coalitions:members", coalition.slug)
    return render(request, "coalitions/form.html", {"form": form, "creating": True})


def sector_chart(counts: list[dict], title: str, chart_id: str) -> str:
    return horizontal_bars(
        title=title,
        description=", ".join(f"{row['label']}: {row['count']}" for row in counts),
        categories=[row["label"] for row in counts],
        series=[Series(_("People"), [row["count"] for row in counts])],
        chart_id=chart_id,
    )


@door(get=Action.VIEW, find=find_coalition)
def coalition_detail(request, coalition):
    role = role_in(request.user, coalition)
    counts = selectors.members_by_sector(coalition)
    context = {
        "coalition": coalition,
        "role": role,
        "can_manage": can(request.user, Action.MANAGE, coalition),
        "organisations": coalition.organisations.select_related("city").order_by("sector", "name"),
        "member_counts": counts,
        "member_total": sum(row["count"] for row in counts),
        "member_chart": sector_chart(counts, _("Members by sector"), "members-chart"),
        "panels": [(panel, panel.context(request, coalition, role)) for panel in panels()],
    }
    return render(request, "coalitions/detail.html", context)


@door(get=Action.MANAGE, post=Action.MANAGE, find=find_coalition)
def coalition_edit(request, coalition):
    form = CoalitionForm(request.POST or None, instance=coalition)
    if request.method == "POST" and form.is_valid():
        services.update_coalition(coalition, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(coalition)
    return render(request, "coalitions/form.html", {"form": form, "coalition": coalition})


@door(get=Action.MANAGE, find=find_coalition)
def members(request, coalition):
    page = Paginator(selectors.memberships(coalition), PAGE_SIZE).get_page(request.GET.get("page"))
    for membership in page:
        membership.form = RoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}")
    invitations = coalition.invitations.filter(revoked_at__isnull=True).order_by("-created_at")
    context = {
        "coalition": coalition,
        "page": page,
        "invitations": invitations[:50],
        "invitation_form": InvitationForm(),
        "organisation_form": OrganisationForm(),
        "organisations": coalition.organisations.order_by("name"),
    }
    return render(request, "coalitions/members.html", context)


@door(post=Action.MANAGE, find=find_coalition)
def change_role(request, coalition, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, coalition=coalition)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
            messages.success(request, _("Role changed."))
        except services.MembershipError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("coalitions:members", coalition.slug)


@door(post=Action.MANAGE, find=find_coalition)
def remove_member(request, coalition, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, coalition=coalition)
    if not confirmed(request):
        return _ask_before_removing(request, coalition, membership)
    try:
        services.remove_member(membership)
        messages.success(
            request, _("%(name)s is no longer a member.") % {"name": membership.person}
        )
    except services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("coalitions:members", coalition.slug)


def _ask_before_removing(request, coalition, membership):
    names = {"name": membership.person, "coalition": coalition.name}
    question = Question(
        title=_("Remove %(name)s from %(coalition)s?") % names,
        losses=[
            _(
                "%(name)s can no longer open what only members of %(coalition)s see: its "
                "private workshops, conversations and reports, and they lose their role here."
            )
            % names,
        ],
        stays=[_("What they wrote, their votes and their workshop registrations stay.")],
        yes=_("Yes, remove %(name)s") % names,
        cancel_url=reverse("coalitions:members", args=[coalition.slug]),
    )
    return ask_first(request, question, {"coalition": coalition})


@door(post=Action.MANAGE, find=find_coalition)
def invite(request, coalition):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The invitation was not created: %(errors)s")
            % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return redirect("coalitions:members", coalition.slug)
    services.create_invitation(
        coalition=coalition,
        role=form.cleaned_data["role"],
        email=form.cleaned_data["email"],
        max_uses=form.cleaned_data["max_uses"],
        created_by=request.user,
        url_for=lambda invitation: request.build_absolute_uri(invitation.get_absolute_url()),
    )
    messages.success(request, _("Invitation link created. Copy it from the list below."))
    return redirect("coalitions:members", coalition.slug)


@door(post=Action.MANAGE, find=find_coalition)
def revoke_invitation(request, coalition, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, coalition=coalition)
    services.revoke_invitation(invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("coalitions:members", coalition.slug)


@door(post=Action.MANAGE, find=find_coalition)
def add_organisation(request, coalition):
    form = OrganisationForm(request.POST)
    if form.is_valid():
        services.add_organisation(coalition, **form.cleaned_data)
        messages.success(request, _("Organisation added."))
    else:
        messages.error(request, _("Give the organisation a name and a sector."))
    return redirect("coalitions:members", coalition.slug)


@door(post=Action.MANAGE, find=find_coalition)
def remove_organisation(request, coalition, organisation_id):
    organisation = get_object_or_404(coalition.organisations, pk=organisation_id)
    services.remove_organisation(coalition, organisation)
    messages.success(request, _("Organisation removed."))
    return redirect("coalitions:members", coalition.slug)


@door(get=Action.ENTER, post=Action.ENTER, find=find_invitation)
def accept_invitation(request, invitation):
    """The link is the invitation: single use unless the organiser said otherwise, and only
    for the address it was made for, when it names one."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            services.accept_invitation(invitation, request.user)
        except services.MembershipError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        messages.success(request, _("You joined %(name)s.") % {"name": invitation.coalition})
        return redirect(invitation.coalition)
    context = {
        "invitation": invitation,
        "refusal": services.invitation_refusal(invitation, request.user),
    }
    return render(request, "coalitions/invitation.html", context)
