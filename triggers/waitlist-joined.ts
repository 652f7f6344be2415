import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistJoined = waitlistTrigger('waitlist.joined', 'A member joins the waiting list', 'Runs when a member joins the waiting list for a full slot.');
