// Every action, listed explicitly (a test checks this list against the folder).
import type { ActionModule } from '../src/engine/contracts.js';
import { bookingSetStatus } from './booking-set-status.js';
import { email } from './email.js';
import { sms } from './sms.js';
import { webhook } from './webhook.js';
import { waitlistFill } from './waitlist-fill.js';

export const actions: ActionModule<any>[] = [email, sms, bookingSetStatus, webhook, waitlistFill];
