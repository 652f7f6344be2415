// Recipes: ready-made workflows an admin starts from (the usual confirmation, reminder, cancellation and follow-up
// messages, in English with a Norwegian variant), instead of a blank builder. Adding one creates an ordinary
// workflow, switched off until the admin has looked at it; the demo tenant gets two of them switched on.
import type { DataSource } from 'typeorm';
import { notFound } from '../domain/errors.js';
import { createWorkflow, type Workflow, type WorkflowInput } from './workflows.js';

export interface Recipe {
  /** Stable: clients add a recipe by it. */
  key: string;
  workflow: WorkflowInput & { name: string; description: string };
}

const email = (subject: string, html: string, nb: { subject: string; html: string }, to = 'customer') =>
  ({ type: 'email', config: { to, subject, html, variants: { nb } } });

export const RECIPES: Recipe[] = [
  {
    key: 'booking-confirmation',
    workflow: {
      name: 'Booking confirmation',
      description: 'Emails the customer when a confirmed booking is made.',
      trigger: { type: 'booking.created' },
      filters: { statuses: ['confirmed'] },
      actions: [email(
        'Booked: {{resource.name}}, {{formatDay booking.startTime}}',
        '<p>Hi {{customer.name}},</p><p>you have booked {{resource.name}}{{#if service.name}} ({{service.name}}){{/if}} '
          + 'on {{formatDay booking.startTime}} at {{formatTime booking.startTime}}. See you!</p><p>{{tenant.name}}</p>',
        {
          subject: 'Bestilt: {{resource.name}}, {{formatDay booking.startTime}}',
          html: '<p>Hei {{customer.name}},</p><p>du har bestilt {{resource.name}}{{#if service.name}} ({{service.name}}){{/if}} '
            + '{{formatDay booking.startTime}} klokken {{formatTime booking.startTime}}. Velkommen!</p><p>{{tenant.name}}</p>',
        },
      )],
    },
  },
  {
    key: 'reminder-day-before',
    workflow: {
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
    },
  },
  {
    key: 'cancellation-notice',
    workflow: {
      name: 'Cancellation notice',
      description: 'Emails the customer when their booking is cancelled or declined, with the reason when one was given.',
      trigger: { type: 'booking.status_changed', config: { from: [], to: ['cancelled', 'declined'] } },
      // A declined request was never a booking the customer had: it is not told it was cancelled.
      actions: [email(
        '{{#if (eq event.data.to "declined")}}Not possible{{else}}Cancelled{{/if}}: {{resource.name}}, {{formatDay booking.startTime}}',
        '<p>Hi {{customer.name}},</p><p>{{#if (eq event.data.to "declined")}}we cannot take your booking request for{{else}}your booking of{{/if}} '
          + '{{resource.name}} on {{formatDay booking.startTime}} at {{formatTime booking.startTime}}'
          + '{{#if (eq event.data.to "declined")}}.{{else}} is cancelled.{{/if}}{{#if event.data.reason}} Reason: {{event.data.reason}}.{{/if}}</p>'
          + '<p>{{tenant.name}}</p>',
        {
          subject: '{{#if (eq event.data.to "declined")}}Ikke mulig{{else}}Avlyst{{/if}}: {{resource.name}}, {{formatDay booking.startTime}}',
          html: '<p>Hei {{customer.name}},</p><p>{{#if (eq event.data.to "declined")}}vi kan dessverre ikke ta imot bestillingen din av'
            + '{{else}}bestillingen din av{{/if}} {{resource.name}} {{formatDay booking.startTime}} klokken {{formatTime booking.startTime}}'
            + '{{#if (eq event.data.to "declined")}}.{{else}} er avlyst.{{/if}}{{#if event.data.reason}} Grunn: {{event.data.reason}}.{{/if}}</p>'
            + '<p>{{tenant.name}}</p>',
        },
      )],
    },
  },
  {
    key: 'approval-request',
    workflow: {
      name: 'Ask the admin to approve',
      description: 'Emails the tenant admin address when a booking arrives as pending, so someone confirms or declines it.',
      trigger: { type: 'booking.created' },
      filters: { statuses: ['pending'] },
      actions: [{
        type: 'email',
        config: {
          to: 'admin',
          subject: 'To approve: {{customer.name}}, {{resource.name}}, {{formatDay booking.startTime}}',
          html: '<p>{{customer.name}} asks for {{resource.name}} on {{formatDay booking.startTime}} at {{formatTime booking.startTime}}'
            + '{{#if booking.notes}} ("{{booking.notes}}"){{/if}}.</p><p>Confirm or decline it: <a href="{{url "/#/bookings/" booking.id}}">the booking</a>.</p>',
        },
      }],
    },
  },
  {
    key: 'thank-you-after',
    workflow: {
      name: 'Thank you, after the visit',
      description: 'Emails the customer two hours after a booking ends, unless it was cancelled or a no-show.',
      trigger: { type: 'booking.after_end', config: { offset: { amount: 2, unit: 'hours' }, when: 'after' } },
      filters: { statuses: ['confirmed', 'completed'] },
      actions: [email(
        'Thank you for your visit',
        '<p>Hi {{customer.name}},</p><p>thank you for visiting us at {{resource.name}}. We hope to see you again soon!</p><p>{{tenant.name}}</p>',
        { subject: 'Takk for besøket', html: '<p>Hei {{customer.name}},</p><p>takk for at du besøkte oss. Velkommen tilbake!</p><p>{{tenant.name}}</p>' },
      )],
    },
  },
];

/** Creates a workflow from a recipe: switched off unless `enabled`, so nothing is sent before an admin looked at it. */
export async function addRecipe(ds: DataSource, tenantId: string, key: string, opts: { enabled?: boolean } = {}): Promise<Workflow> {
  const recipe = RECIPES.find((r) => r.key === key);
  if (!recipe) throw notFound('recipe', key);
  return (await createWorkflow(ds, tenantId, { ...structuredClone(recipe.workflow), enabled: opts.enabled ?? false })).workflow;
}
