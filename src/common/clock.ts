/**
 * Where the services read the current time for their rules (a period "has
 * ended" when its end date is before today). Production uses the system
 * clock; tests pin it (createHarness gives a settable one), so a rule about
 * "today" does not flip while a test runs across UTC midnight.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
