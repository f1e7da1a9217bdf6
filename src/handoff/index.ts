/** Hand-off use cases for the staff console and the hand-off timers. */
export { takeOverConversation, type TakeOverResult } from "./take-over.js";
export { sendStaffReply, MAX_STAFF_REPLY_CHARS } from "./staff-reply.js";
export { handBackConversation, handBackMessages } from "./hand-back.js";
export { handoffJobs, pickupTimeoutMessage, idleReleaseMessages } from "./handoff-jobs.js";
export { listHandoffQueue, type WaitingHandoff, type ActiveHandoff } from "./list-handoff-queue.js";
export type { HandoffDeps, StaffActor } from "./shared.js";
