"""A refusal (403) that tells the person where to go: the page that would open the door.

A view raises `RefusalWithLink` instead of `PermissionDenied` when the person can do something
about it (a working group's member who has not signed its charter gets the charter's link);
`permission_denied` is the project's 403 handler and shows the link under the reason.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader


class RefusalWithLink(PermissionDenied):
    def __init__(self, message: str, *, link: str, link_text: str) -> None:
        super().__init__(message)
        self.link = link
        self.link_text = link_text


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseForbidden:
    context = {"exception": str(exception)}
    if isinstance(exception, RefusalWithLink):
        context |= {"link": exception.link, "link_text": exception.link_text}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))
