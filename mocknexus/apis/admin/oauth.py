"""The control plane's way through an OAuth member's consent page: any outcome, without a browser (as
Plaid's sandbox endpoints skip Link), optionally with the bank's answer delayed by the emulated clock."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import route
from mocknexus.apis.admin.members import _emulator, member_response
from mocknexus.domain.oauth.oauth import OAuthOutcome, app_redirect, ending_params
from mocknexus.schemas.oauth import OAuthOutcomeRequest
from mocknexus.web.http import read_body, render_json
from mocknexus.web.oauth_links import window_uri
from mocknexus.web.openapi import doc

outcome_request = OAuthOutcomeRequest()


@route("/members/<guid>/oauth", ["POST"])
@doc(
    "End an OAuth member's window with an outcome (SUCCESS or an MX error reason), as the consent page would",
    response={"type": "object"},
    body=outcome_request,
    errors=(403, 409),
)
def complete_oauth(guid: str, client_id: str | None = None) -> Response:
    body = read_body(outcome_request)
    emulator = _emulator(client_id, guid)
    outcome = OAuthOutcome[body["outcome"]]
    ending = emulator.force_oauth_outcome(guid, outcome, body["delay_seconds"])
    member = emulator.any_member(guid)
    # What the end user's browser or app would have received: the complete page's message, or the redirect.
    metadata = dict(ending_params(guid, outcome)[1:])
    message = {"mx": True, "type": f"oauthComplete/{'error' if outcome.is_error else 'success'}", "metadata": metadata}
    return render_json(
        {
            "member": member_response.dump({"member": member})["member"],
            "oauth": {
                "outcome": outcome.name,
                "post_message": message,
                "redirect_url": app_redirect(ending.state, guid, outcome),
                "oauth_window_uri": window_uri(member),
            },
        }
    )
