from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door

from . import services
from .forms import WebhookForm
from .models import Webhook
from .names import EVENTS

DELIVERIES_SHOWN = 50


def find_webhook(request, coalition_slug: str, webhook_id: int) -> Webhook:
    return get_object_or_404(
        Webhook.objects.select_related("coalition"), pk=webhook_id, coalition__slug=coalition_slug
    )


@door(get=Action.MANAGE, post=Action.MANAGE, find=find_coalition)
def webhook_list(request, coalition):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.create_webhook(coalition, by=request.user, **form.cleaned_data)
        except services.WebhookError as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            messages.success(request, _("Webhook added. Give its secret to the receiver."))
            return redirect(webhook)
    webhooks = Webhook.objects.filter(coalition=coalition).order_by("pk")
    context = {"coalition": coalition, "form": form, "webhooks": webhooks, "event_names": EVENTS}
    return render(request, "webhooks/list.html", context, status=400 if form.errors else 200)


@door(get=Action.MANAGE, find=find_webhook)
def webhook_detail(request, webhook):
    deliveries = webhook.deliveries.order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]
    context = {
        "coalition": webhook.coalition,
        "webhook": webhook,
        "event_labels": [EVENTS.get(name, name) for name in webhook.events],
        "deliveries": deliveries,
    }
    return render(request, "webhooks/detail.html", context)


@door(post=Action.MANAGE, find=find_webhook)
def send_test(request, webhook):
    services.send_test(webhook)
    messages.success(request, _("A test event is on its way. Reload to see its answer."))
    return redirect(webhook)


@door(post=Action.MANAGE, find=find_webhook)
def delete(request, webhook):
    coalition = webhook.coalition
    if not confirmed(request):
        question = Question(
            title=_("Delete the webhook to %(url)s?") % {"url": webhook.url},
            losses=[_("No more events are sent there, and its list of deliveries is deleted.")],
            stays=[_("What the receiver was already sent stays with it.")],
            yes=_("Yes, delete the webhook"),
            cancel_url=webhook.get_absolute_url(),
        )
        return ask_first(request, question, {"coalition": coalition})
    services.delete_webhook(webhook)
    messages.success(request, _("Webhook deleted."))
    return redirect(reverse("webhooks:list", args=[coalition.slug]))
