import { offerStillOpen, waitlistTrigger } from '../src/waitlist/trigger-def.js';

export const waitlistOffered = waitlistTrigger('waitlist.offered', 'A waiting-list offer is made', 'Runs when a freed seat is held for a waiting-list entry. The context has offer.acceptUrl and offer.declineUrl (signed, no login needed) and offer.expiresAt. Its messages are not sent once the offer has closed.', { stillHolds: offerStillOpen });
