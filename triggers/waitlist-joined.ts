import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistJoined = waitlistTrigger('waitlist.joined', 'A member joins the waitlist', 'Runs when a member joins the waitlist for a full slot.');
