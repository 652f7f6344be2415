// Every trigger, listed explicitly (a test checks this list against the folder).
import type { TriggerModule } from '../src/engine/contracts.js';
import { bookingAfterEnd } from './booking-after-end.js';
import { bookingBeforeStart } from './booking-before-start.js';
import { bookingChanged } from './booking-changed.js';
import { bookingCreated } from './booking-created.js';
import { bookingDeleted } from './booking-deleted.js';
import { bookingStatusChanged } from './booking-status-changed.js';
import { customerCreated } from './customer-created.js';
import { paymentCompleted } from './payment-completed.js';
import { slotFreed } from './slot-freed.js';

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
];
