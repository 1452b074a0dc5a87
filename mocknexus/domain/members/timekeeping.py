"""What the clock alone does to a world, with no request: running jobs reach the step the clock says.

`advance_jobs` is what `control.background` runs for each world when the emulated clock moves and every
so often in real time, so a job moves on (and a webhook can report it) even if nobody polls. It does to each
member what a read would, less the read: each step whose time has passed ends at its boundary, an
unanswered challenge expires at its deadline, a finished job produces its accounts. A step that also wants
client reads (`polls`) is left for a read to end, as it always was: work done by the clock never takes a
poll's place (so a polling client still sees every status its scenario promises, each change made by the
same call as before). A world whose client does not poll (it listens to webhooks) passes
`waive_polls=True`, and time alone ends those steps too, at their boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mocknexus.domain.core.models import Member
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.tables import MEMBERS
from mocknexus.domain.members import jobs


@dataclass
class JobsAdvanced:
    moved: list[Member] = field(default_factory=list)  # members whose job crossed a step (each saved)
    next_due: datetime | None = None  # the earliest clock time a running job moves by time alone (None: none)


class Timekeeping(EmulatorState):
    def advance_jobs(self, *, waive_polls: bool = False) -> JobsAdvanced:
        """Move every member's running job up to this world's clock; see the module's docstring."""
        result = JobsAdvanced()
        with self.store.transaction():
            now = self.clock.now()  # what a member's job or data would move to (each move reads it again)
            # Every member looked at as the store keeps it (no copy each: a world's sweep runs each second), and
            # only one the clock may move read as a copy of its own to move.
            for shared in self.store.shared_values(MEMBERS):
                member = shared
                if self._clock_may_move(shared, now):
                    member = self.store.get(MEMBERS, shared.guid)  # a copy of its own, to change
                    if member is None:
                        continue
                    if self._advance(member, by_clock=True, waive_polls=waive_polls) | self._data_tick(member):
                        result.moved.append(member)
                due = _next_due(member, self, waive_polls)
                if due is not None and (result.next_due is None or due < result.next_due):
                    result.next_due = due
        return result


def _next_due(member: Member, state: EmulatorState, waive_polls: bool) -> datetime | None:
    """When the clock alone next moves this member's job: its step's end, or its challenge's deadline."""
    if member.job is None or member.job.outcome_applied:
        return None  # nothing left to move (and a finished job's uploaded scenario may since have gone)
    scenario = state._scenario(member)
    progress = jobs.progress(member, scenario, state.settings.job_time_scale)
    if progress is None:
        return None
    if progress.waiting_for_answers:
        return progress.answer_by
    return progress.due_at if waive_polls or scenario.steps[progress.step_index].polls == 0 else None
