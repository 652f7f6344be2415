// The waitlist's default workflows: every tenant gets them, and can edit, filter, disable or restore them.
// Keys are persisted (workflows.builtin_key): never rename one.
import { registerDefaultWorkflow } from '../engine/defaults.js';

registerDefaultWorkflow({
  key: 'waitlist.fill_freed_slot',
  workflow: {
    name: 'Fill a freed slot',
    description: 'When capacity frees up, offer it to (or book it for) the waiting list, following the waitlist settings.',
    trigger: { type: 'slot.freed', config: { reasons: [] } },
    actions: [{ type: 'waitlist.fill', config: {} }],
  },
});

registerDefaultWorkflow({
  key: 'waitlist.offer_to_customer',
  workflow: {
    name: 'Offer to customer',
    description: 'Tell the member a place opened up, with links to accept or decline it.',
    trigger: { type: 'waitlist.offered', config: {} },
    actions: [
      {
        type: 'email',
        config: {
          to: 'customer',
          subject: 'A place opened up: {{resource.name}}, {{formatDate entry.desiredStart}}',
          html: '<p>Hi {{customer.name}},</p><p>A place opened up for <b>{{resource.name}}</b> on {{formatDate entry.desiredStart}}. '
            + 'It is held for you until {{formatDate offer.expiresAt "short"}}.</p>'
            + '<p><a href="{{offer.acceptUrl}}">Accept the place</a> &nbsp; or &nbsp; <a href="{{offer.declineUrl}}">Decline</a></p>'
            + '<p>{{tenant.name}}</p>',
          variants: {
            nb: {
              subject: 'Ledig plass: {{resource.name}}, {{formatDate entry.desiredStart}}',
              html: '<p>Hei {{customer.name}},</p><p>Det har blitt ledig plass på <b>{{resource.name}}</b> {{formatDate entry.desiredStart}}. '
                + 'Plassen holdes av til deg til {{formatDate offer.expiresAt "short"}}.</p>'
                + '<p><a href="{{offer.acceptUrl}}">Ta plassen</a> &nbsp; eller &nbsp; <a href="{{offer.declineUrl}}">Si nei takk</a></p>'
                + '<p>{{tenant.name}}</p>',
            },
          },
        },
      },
      {
        type: 'sms',
        config: {
          to: 'customer',
          body: 'A place opened up: {{resource.name}} {{formatDate entry.desiredStart "short"}}. Held until {{formatTime offer.expiresAt}}. Accept: {{offer.acceptUrl}}',
          variants: { nb: { body: 'Ledig plass: {{resource.name}} {{formatDate entry.desiredStart "short"}}. Holdes til {{formatTime offer.expiresAt}}. Ta plassen: {{offer.acceptUrl}}' } },
        },
      },
    ],
  },
});

registerDefaultWorkflow({
  key: 'waitlist.assigned_to_customer_and_staff',
  workflow: {
    name: 'Assigned to customer and staff',
    description: 'When the waitlist books a freed place for a member, tell them and the staff.',
    trigger: { type: 'waitlist.assigned', config: {} },
    actions: [
      {
        type: 'email',
        config: {
          to: 'customer',
          subject: 'You got a place: {{resource.name}}, {{formatDate booking.startTime}}',
          html: '<p>Hi {{customer.name}},</p><p>Good news: a place opened up and it is yours. <b>{{resource.name}}</b>, {{formatDate booking.startTime}}.</p><p>{{tenant.name}}</p>',
          variants: {
            nb: {
              subject: 'Du har fått plass: {{resource.name}}, {{formatDate booking.startTime}}',
              html: '<p>Hei {{customer.name}},</p><p>Det ble ledig, og plassen er din: <b>{{resource.name}}</b>, {{formatDate booking.startTime}}.</p><p>{{tenant.name}}</p>',
            },
          },
        },
      },
      {
        type: 'sms',
        config: {
          to: 'customer',
          body: 'You got a place from the waiting list: {{resource.name}} {{formatDate booking.startTime "short"}}.',
          variants: { nb: { body: 'Du har fått plass fra ventelisten: {{resource.name}} {{formatDate booking.startTime "short"}}.' } },
        },
      },
      {
        type: 'email',
        config: {
          to: 'resource',
          subject: 'Waiting list: {{customer.name}} got {{formatDate booking.startTime "short"}}',
          html: '<p>{{customer.name}} was given the freed place on {{resource.name}}, {{formatDate booking.startTime}}, from the waiting list.</p>',
        },
      },
    ],
  },
});
