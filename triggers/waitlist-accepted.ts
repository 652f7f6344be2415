import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistAccepted = waitlistTrigger('waitlist.accepted', 'A waiting-list offer is accepted', 'Runs when a member accepts an offer; booking is the reservation.', { booking: true });
