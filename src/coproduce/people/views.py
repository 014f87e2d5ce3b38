import math
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from coproduce.core.doors import PUBLIC, SIGNED_IN, door
from coproduce.core.ratelimit import check_request, hit, hit_request

from . import lockout, services, token_views
from .forms import ProfileForm, QueuedPasswordResetForm, SignupForm


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@door(get=PUBLIC, post=PUBLIC)
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        hit_request("signup", request)
        if form.is_valid():
            person = services.create_account(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                sector=form.cleaned_data["sector"],
            )
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s.") % {"name": person.get_short_name()})
            # A new account lands on its own page, which says how to start or join a coalition.
            return redirect(_safe_next(request, reverse("mine") + "?welcome=1"))
    return render(request, "people/signup.html", {"form": form, "next": _safe_next(request, "")})


def _limited_login(request, attempt: Callable[[], HttpResponse]) -> HttpResponse:
    """A login with the per-address limit: refused when used up, counting failures only.

    A room logging in together is not slowed down by its members who get in; a login that does
    not end in a redirect failed. Our login and the admin's share one allowance. Per account,
    django-axes locks after repeated failures (see people/lockout.py).
    """
    if request.method != "POST":
        return attempt()
    check_request("login", request)
    response = attempt()
    if not 300 <= response.status_code < 400:
        hit_request("login", request)
    return response


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"

    def post(self, request, *args, **kwargs):
        return _limited_login(
            request, lambda: super(LoginView, self).post(request, *args, **kwargs)
        )


def limit_admin_login(site_login: Callable) -> Callable:
    """The admin's login view (``admin.site.login``) with the same per-address limit as ours."""
    if getattr(site_login, "limited", False):
        return site_login  # already wrapped: count each attempt once

    @wraps(site_login)
    def login(request, extra_context=None):
        return _limited_login(request, lambda: site_login(request, extra_context))

    login.limited = True
    return login


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a login for a locked account (settings.AXES_LOCKOUT_CALLABLE)."""
    username = lockout.username_of(request, credentials)
    now = timezone.now()
    state = lockout.lock_state(username, now) if username else lockout.LockState()
    left = (state.locked_until - now) if state.is_locked(now) else lockout.FIRST_LOCK
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    link = format_html(
        '<a href="{}">{}</a>', reverse("people:password_reset"), _("reset your password by email")
    )
    message = format_html(
        ngettext(
            "Too many wrong passwords for this account. Try again in {minutes} minute, or {link}.",
            "Too many wrong passwords for this account. Try again in {minutes} minutes, or {link}.",
            minutes,
        ),
        minutes=minutes,
        link=link,
    )
    body = render_to_string(
        "core/message.html",
        {"title": _("This account is locked for now"), "message": message},
        request=request,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "people/password_form.html"
    extra_context = {"heading": _lazy("Reset your password")}
    email_template_name = "people/email/password_reset.txt"
    subject_template_name = "people/email/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def post(self, request, *args, **kwargs):
        # Each request sends an email: limited per address, and per address typed (so nobody's
        # inbox can be flooded from many addresses).
        hit_request("password_reset", request)
        email = request.POST.get("email", "")
        if isinstance(email, str) and email.strip():
            hit("password_reset_email", f"email:{email.strip().lower()}")
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link; this also lifts the account's lockout."""

    template_name = "people/password_form.html"
    extra_context = {"heading": _lazy("Choose a new password")}
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.clear(form.user.get_username())
        return response


@door(get=SIGNED_IN, post=SIGNED_IN)
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("people:profile")
    page = {"form": form, **token_views.token_section(request.user)}
    return render(request, "people/profile.html", page)
