import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistDeclined = waitlistTrigger('waitlist.declined', 'A waiting-list offer is declined', 'Runs when a member declines an offer.');
