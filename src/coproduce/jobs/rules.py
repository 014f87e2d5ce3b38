"""A job is seen by whoever may do its action on its subject: the question the page that
started it asked. A job started for a public report version of a private coalition's workshop
is therefore seen, and its file taken, by those registered for that workshop too."""

from coproduce.coalitions.permissions import Action, Visitor, can, rule

from .models import Job


@rule(Job, Action.VIEW)
def may_follow(visitor: Visitor, job: Job) -> bool:
    subject = job.subject if job.subject_id is not None else job.coalition
    return subject is not None and can(visitor, Action(job.action), subject)
