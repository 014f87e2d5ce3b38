"""Who may see what of an assessment (registered with the permission module).

An assessment follows its coalition: whoever may see the coalition sees the assessment and its
public results (groups of five or more); organisers, facilitators and members answer it
(ANSWER_ASSESSMENT); organisers run it and see everything (RUN_ASSESSMENT), all by the role
table in coalitions/permissions.py. People with no account answer through the link, whose
secret is the credential (the ENTER door). One response is seen by the coalition's organisers
only, whatever the coalition's visibility.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, rule

from .models import Response


@rule(Response, Action.VIEW)
def may_see_response(visitor: Visitor, response: Response) -> bool:
    return can(visitor, Action.RUN_ASSESSMENT, response.round.assessment)
