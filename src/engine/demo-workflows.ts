// The demo tenant's own workflows, beside the built-in ones: a booking confirmation by email and a reminder by SMS
// the day before, in English and Norwegian (the demo's customers speak both), so the first booking made in the demo
// shows the engine at work: the confirmation in the outbox, the reminder scheduled on the booking's page.
import type { DataSource } from 'typeorm';
import { createWorkflow } from './workflows.js';

export async function seedDemoWorkflows(ds: DataSource, tenantId: string): Promise<void> {
  await createWorkflow(ds, tenantId, {
    name: 'Booking confirmation',
    description: 'Emails the customer when a confirmed booking is made.',
    trigger: { type: 'booking.created' },
    filters: { statuses: ['confirmed'] },
    actions: [{
      type: 'email',
      config: {
        to: 'customer',
        subject: 'Booked: {{resource.name}}, {{formatDay booking.startTime}}',
        html: '<p>Hi {{customer.name}},</p><p>you have booked {{resource.name}}{{#if service.name}} ({{service.name}}){{/if}} '
          + 'on {{formatDay booking.startTime}} at {{formatTime booking.startTime}}. See you!</p><p>{{tenant.name}}</p>',
        variants: {
          nb: {
            subject: 'Bestilt: {{resource.name}}, {{formatDay booking.startTime}}',
            html: '<p>Hei {{customer.name}},</p><p>du har bestilt {{resource.name}}{{#if service.name}} ({{service.name}}){{/if}} '
              + '{{formatDay booking.startTime}} klokken {{formatTime booking.startTime}}. Velkommen!</p><p>{{tenant.name}}</p>',
          },
        },
      },
    }],
  });
  await createWorkflow(ds, tenantId, {
    name: 'Reminder the day before',
    description: 'Texts the customer 24 hours before the start; a booking made later than that gets no reminder.',
    trigger: { type: 'booking.before_start', config: { offset: { amount: 24, unit: 'hours' }, latePolicy: 'skip' } },
    actions: [{
      type: 'sms',
      config: {
        to: 'customer',
        body: 'Reminder: {{resource.name}} tomorrow at {{formatTime booking.startTime}}. {{tenant.name}}',
        variants: { nb: { body: 'Påminnelse: {{resource.name}} i morgen klokken {{formatTime booking.startTime}}. {{tenant.name}}' } },
      },
    }],
  });
}
