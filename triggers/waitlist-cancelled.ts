import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistCancelled = waitlistTrigger('waitlist.cancelled', 'A waiting-list entry is cancelled', 'Runs when a member or an admin cancels a waitlist entry.');
