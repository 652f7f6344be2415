// When the next attempt of a failed delivery runs.

/**
 * Each wait varies by up to ±10%, so the deliveries that failed together in one outage do not all come back in the
 * same second when the endpoint recovers.
 */
export const JITTER = 0.1;

/**
 * The wait before the next attempt, after `attempts` attempts of the current series have failed (the first attempt
 * runs at once); null when the schedule is used up and the delivery has failed for good.
 */
export function retryDelay(schedule: readonly number[], attempts: number, random: () => number = Math.random): number | null {
  const base = schedule[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + JITTER * (2 * random() - 1)));
}
