import { defineAction, PermanentActionError } from '../src/engine/contracts.js';

// Gives capacity freed by a `slot.freed` event to the waitlist, following the tenant's waitlist settings (offer or
// auto-assign, priority, windows). Used by the default workflow "Fill a freed slot"; disable or filter that
// workflow to change when the waitlist fills seats by itself.
export const waitlistFill = defineAction<Record<string, never>>({
  type: 'waitlist.fill',
  title: 'Offer the freed slot to the waiting list',
  description: 'Offers (or, in auto-assign mode, books) the freed capacity for the waiting entries that fit, in priority order. '
    + 'Use with the "A slot frees up" trigger. Each decision is stored with its explanation.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  templatedFields: [],
  maxAttempts: 10,
  triggers: ['slot.freed'],
  async run(input, deps) {
    const { event } = input.context;
    if (event.type !== 'slot.freed') {
      throw new PermanentActionError('WRONG_TRIGGER', 'waitlist.fill needs a slot.freed event; use it with the "A slot frees up" trigger');
    }
    const d = event.data as { resourceId: string; startTime: string; endTime: string | null; seats: number; reason: string; occurrence?: string | null };
    const slot = {
      resourceId: d.resourceId, startTime: d.startTime, endTime: d.endTime, seats: d.seats, reason: d.reason,
      // An offer that ended frees "the same seat": its occurrence is the original one, so nobody is offered it twice.
      occurrence: d.occurrence ?? `event:${event.id ?? 'preview'}`,
    };
    if (!deps.fillFromWaitlist) throw new PermanentActionError('WAITLIST_UNAVAILABLE', 'the waitlist is not installed in this process');
    const result = await deps.fillFromWaitlist(input.origin, slot, input.runId);
    const offered = Number(result.offered ?? 0);
    const assigned = Number(result.assigned ?? 0);
    const outcome = deps.dryRun ? 'would_fill' : offered || assigned ? 'filled' : 'skipped:nobody_fits';
    return { outcome, output: result };
  },
  sampleConfig: {},
  describe: () => 'Offer the freed slot to the waitlist',
});
