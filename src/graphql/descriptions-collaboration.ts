/**
 * Descriptions of the collaboration part of issue 15 (plan teams, notes, deletes), merged into
 * DESCRIPTIONS (descriptions.ts). Same keys and rules as there.
 */
const GLOBAL_ID_ARG = "A global id (see Node).";

export const COLLABORATION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  // ---------------- plan teams
  PlanMemberRole:
    "CONTRIBUTOR edits the plan like its owner (fields, objectives, child plans) but changes neither its status nor its team; REVIEWER is asked to review it when it is SUBMITTED (edit while SUBMITTED, send back to DRAFT).",
  "PlanMemberRole.CONTRIBUTOR": "Edits the plan like its owner (fields, contacts, objectives, child plans) while it is not locked; never changes its status or its team.",
  "PlanMemberRole.REVIEWER": "Reviews the plan: edits it while it is SUBMITTED, may send it back to DRAFT, and finds it in plansToReview.",
  PlanMember: "A user on a plan's team, besides its owner (the owner is never a member).",
  "PlanMember.user": "The member.",
  "PlanMember.role": "What the member may do on this plan.",
  "PlanMember.addedAt": "When the member joined the team (a role change keeps it).",
  "BusinessPlan.team": "The plan's team (not its owner), in the order they joined.",
  "Query.plansToReview":
    "SUBMITTED plans the caller is asked to review: as a team REVIEWER, or any SUBMITTED plan for a user whose role is REVIEWER. Oldest first, at most 500.",
  "Mutation.addPlanMember":
    "Adds a user to the plan's team, or changes a member's role (the same role again changes nothing). The plan's owner or an ADMIN; PLAN_LOCKED on a FINAL_APPROVED or EXPIRED plan; BAD_USER_INPUT for the owner or an ANALYST. Recorded in the audit trail (MEMBER_ADDED, MEMBER_ROLE_CHANGED).",
  "Mutation.addPlanMember(planId)": "The plan's id.",
  "Mutation.addPlanMember(userId)": "The user to add: not the plan's owner, not an ANALYST.",
  "Mutation.addPlanMember(role)": "The member's role on this plan.",
  "Mutation.removePlanMember":
    "Removes a member from the plan's team (the owner or an ADMIN; PLAN_LOCKED on a locked plan; NOT_FOUND when the user is not a member). Recorded in the audit trail (MEMBER_REMOVED).",
  "Mutation.removePlanMember(planId)": "The plan's id.",
  "Mutation.removePlanMember(userId)": "The member's user id.",
  // ---------------- notes
  Note: "A remark on a plan or an objective. Notes are only ever added: never edited, never deleted (they go with their plan or objective).",
  "Note.body": "The text, 1-2,000 characters (leading and trailing spaces removed).",
  "Note.author": "Who wrote it.",
  "Note.createdAt": "When it was written.",
  "BusinessPlan.notes": "Newest first; the newest 100.",
  "Objective.notes": "Newest first; the newest 100.",
  "Mutation.addPlanNote":
    "Adds a note to the plan: whoever may edit the plan (owner, ADMIN, team members) and REVIEWER users, in every status (notes stay open on FINAL_APPROVED and EXPIRED plans: a remark is not an edit).",
  "Mutation.addPlanNote(planId)": "The plan's id.",
  "Mutation.addPlanNote(body)": "1-2,000 characters, not blank.",
  "Mutation.addObjectiveNote":
    "Adds a note to an objective: for a plan's objective as addPlanNote; an account's objective: any user but an ANALYST; a global objective: ADMIN and REVIEWER users.",
  "Mutation.addObjectiveNote(objectiveId)": "The objective's id.",
  "Mutation.addObjectiveNote(body)": "1-2,000 characters, not blank.",
  // ---------------- deletes
  "Mutation.removePlanContact":
    "Removes a contact from the plan (whoever may edit the plan; PLAN_LOCKED on a locked plan; NOT_FOUND when the contact is not on it). Recorded in the audit trail (CONTACT_REMOVED).",
  "Mutation.removePlanContact(planId)": "The plan's id.",
  "Mutation.removePlanContact(contactId)": "The contact's id.",
  "Mutation.deleteOpportunity":
    "Deletes an opportunity (its owner or an ADMIN). PLAN_LOCKED when it is linked to a plan, or tied to an objective of a plan, that is FINAL_APPROVED or EXPIRED or lies in the tree of one; each such plan records OPPORTUNITY_DELETED. Activities about it stay, without it. Answers the deleted id.",
  "Mutation.deleteOpportunity(id)": GLOBAL_ID_ARG,
  "Mutation.deleteActivity":
    "Deletes an activity (its owner or an ADMIN). PLAN_LOCKED when its plan or its objective's plan is FINAL_APPROVED or EXPIRED or lies in the tree of one; each such plan records ACTIVITY_DELETED. Its follow-ups and the opportunities made from it stay, no longer linked to it. Answers the deleted id.",
  "Mutation.deleteActivity(id)": GLOBAL_ID_ARG,
  "Mutation.deleteContact":
    "Deletes a contact. On a plan, that is an edit of the plan (as removePlanContact); for an objective about the contact, a change of the objective's plan (as updateObjective): PLAN_LOCKED or FORBIDDEN as those would be. Each such plan records CONTACT_DELETED; activities with the contact stay, without it. Answers the deleted id.",
  "Mutation.deleteContact(id)": GLOBAL_ID_ARG,
};
