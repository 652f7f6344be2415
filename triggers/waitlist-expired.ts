import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistExpired = waitlistTrigger('waitlist.expired', 'A waitlist offer expires', 'Runs when an offer expires without an answer.');
