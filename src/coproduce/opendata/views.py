"""The coalition's open-data page: what the bundle holds and under which licence, the
download, and for organisers the choice to publish it and a button to build it now."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.coalitions.models import Visibility
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door

from . import bundle
from .datapackage import licence
from .forms import PublicationForm
from .models import Publication


@door(get=Action.VIEW, post=Action.MANAGE, find=find_coalition)
def page(request, coalition):
    publication = Publication.objects.filter(coalition=coalition).first()
    public = coalition.visibility == Visibility.PUBLIC
    may_manage = can(Visitor.of(request), Action.MANAGE, coalition)
    form = None
    if may_manage and public:
        data = request.POST if request.method == "POST" else None
        form = PublicationForm(data, instance=publication or Publication(coalition=coalition))
        if form.is_valid():
            saved = form.save(commit=False)
            saved.changed_by = request.user
            saved.save()
            if saved.published:
                messages.success(request, _("Saved. The bundle is built now and every night."))
                return redirect(bundle.start(coalition, user=request.user))
            messages.success(request, _("Saved. The bundle is no longer published."))
            return redirect("opendata:page", coalition.slug)
    elif request.method == "POST":
        messages.error(request, _("Only a public coalition can publish open data."))
        return redirect("opendata:page", coalition.slug)
    published = publication is not None and publication.published
    files = [
        {**file, "title": bundle.title_of(file["path"], file.get("question", ""))}
        for file in (publication.files if publication else [])
    ]
    context = {
        "files": files,
        "coalition": coalition,
        "publication": publication,
        "published": published,
        "ready": published and bool(publication.bundle),
        "licence": licence(publication.licence) if publication else None,
        "public": public,
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "opendata/page.html", context)


@door(post=Action.MANAGE, find=find_coalition)
def build_now(request, coalition):
    publication = Publication.objects.filter(coalition=coalition, published=True).first()
    if publication is None or coalition.visibility != Visibility.PUBLIC:
        messages.error(request, _("Publish the open data first."))
        return redirect("opendata:page", coalition.slug)
    return redirect(bundle.start(coalition, user=request.user))


@door(get=Action.VIEW, find=find_coalition)
def download(request, coalition):
    publication = Publication.objects.filter(coalition=coalition, published=True).first()
    public = coalition.visibility == Visibility.PUBLIC
    if publication is None or not publication.bundle or not public:
        raise Http404(_("This coalition publishes no open data."))
    name = f"{coalition.slug}-open-data-{publication.built_at:%Y-%m-%d}.zip"
    return FileResponse(publication.bundle.open("rb"), as_attachment=True, filename=name)
