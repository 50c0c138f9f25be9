import { ActivityStatus } from "../../common/enums";
import { badInput } from "../../common/errors";
import { toGlobalId } from "../../common/ids";

/**
 * The activity status table: where each status may move. COMPLETED is terminal; a CANCELLED
 * activity may be planned again but never completed. `updateActivity(status:)` and
 * `completeActivity` both go through assertActivityTransition.
 */
export const ACTIVITY_TRANSITIONS: Readonly<Record<ActivityStatus, readonly ActivityStatus[]>> = {
  [ActivityStatus.PLANNED]: [ActivityStatus.COMPLETED, ActivityStatus.CANCELLED],
  [ActivityStatus.CANCELLED]: [ActivityStatus.PLANNED],
  [ActivityStatus.COMPLETED]: [],
};

export const isTerminalActivityStatus = (s: ActivityStatus) => ACTIVITY_TRANSITIONS[s].length === 0;

/** BAD_USER_INPUT (on `field`) unless the activity may move from its status to `to`. */
export function assertActivityTransition(a: { id: number; status: ActivityStatus }, to: ActivityStatus, field: string): void {
  if (ACTIVITY_TRANSITIONS[a.status].includes(to)) return;
  const label = `Activity ${toGlobalId("Activity", a.id)}`;
  if (a.status === to) throw badInput(field, `${label} is already ${to}`);
  if (isTerminalActivityStatus(a.status)) throw badInput(field, `a ${a.status} activity cannot change status`);
  throw badInput(field, `${label} is ${a.status} and cannot be ${to === ActivityStatus.COMPLETED ? "completed" : `set to ${to}`}`);
}
