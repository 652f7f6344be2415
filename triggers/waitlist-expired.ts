import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistExpired = waitlistTrigger('waitlist.expired', 'A waiting-list offer expires', 'Runs when an offer expires without an answer.');
