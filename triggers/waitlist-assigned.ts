import { bookingStillHeld } from '../src/engine/still-holds.js';
import { waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistAssigned = waitlistTrigger('waitlist.assigned', 'A waiting-list place is assigned', 'Runs when a freed seat is given straight to a waiting-list entry (auto-assign); booking is the new booking.', { booking: true, stillHolds: bookingStillHeld });
