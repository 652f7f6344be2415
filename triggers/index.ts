// Every trigger, listed explicitly (a test checks this list against the folder).
import type { TriggerModule } from '../src/engine/contracts.js';
import { bookingAfterEnd } from './booking-after-end.js';
import { bookingBeforeStart } from './booking-before-start.js';
import { bookingChanged } from './booking-changed.js';
import { bookingCreated } from './booking-created.js';
import { bookingDeleted } from './booking-deleted.js';
import { bookingStatusChanged } from './booking-status-changed.js';
import { customerCreated } from './customer-created.js';
import { messageFailed } from './message-failed.js';
import { paymentCompleted } from './payment-completed.js';
import { slotFreed } from './slot-freed.js';
import { waitlistJoined } from './waitlist-joined.js';
import { waitlistOffered } from './waitlist-offered.js';
import { waitlistAssigned } from './waitlist-assigned.js';
import { waitlistAccepted } from './waitlist-accepted.js';
import { waitlistDeclined } from './waitlist-declined.js';
import { waitlistExpired } from './waitlist-expired.js';
import { waitlistCancelled } from './waitlist-cancelled.js';
import { webhookEndpointDisabled } from './webhook-endpoint-disabled.js';

export const triggers: TriggerModule<any>[] = [
  bookingCreated,
  bookingChanged,
  bookingStatusChanged,
  bookingDeleted,
  bookingBeforeStart,
  bookingAfterEnd,
  customerCreated,
  paymentCompleted,
  slotFreed,
  waitlistJoined,
  waitlistOffered,
  waitlistAssigned,
  waitlistAccepted,
  waitlistDeclined,
  waitlistExpired,
  waitlistCancelled,
  webhookEndpointDisabled,
  messageFailed,
];
