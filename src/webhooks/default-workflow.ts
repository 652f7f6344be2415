// Every tenant gets this default workflow (editable, deactivatable, restorable like any default): when Bookflow
// disables a webhook endpoint, the tenant's admin address is told why and what to do.
import { registerDefaultWorkflow } from '../engine/defaults.js';

/** Persisted in workflows.builtin_key: never rename. */
export const ENDPOINT_DISABLED_DEFAULT_KEY = 'webhooks.endpoint_disabled';

/** The email's subject and opening, the same in every version shipped; what to do next follows. */
const email = (whatNext: string) => ({
  type: 'email',
  config: {
    to: 'admin',
    subject: 'Webhook endpoint disabled: {{event.data.webhook.url}}',
    html: '<p>Bookflow has stopped sending webhooks to <b>{{event.data.webhook.url}}</b>'
      + '{{#if event.data.webhook.description}} ({{event.data.webhook.description}}){{/if}}.</p>'
      + '<p>{{event.data.detail}}</p>'
      + '{{#if event.data.lastError}}<p>Last error: {{event.data.lastError}}</p>{{/if}}'
      + '<p>When the endpoint works again, enable the subscription {{event.data.webhook.id}} (PATCH /api/webhooks/{{event.data.webhook.id}} '
      + `with enabled: true) and ${whatNext}</p>`,
  },
});

registerDefaultWorkflow({
  key: ENDPOINT_DISABLED_DEFAULT_KEY,
  workflow: {
    name: 'Tell the admin when a webhook endpoint is disabled',
    description: 'Emails the tenant admin address when Bookflow stops sending to a webhook endpoint (410 Gone, or 5 days of failures).',
    trigger: { type: 'webhook.endpoint_disabled' },
    actions: [email('replay what failed before (POST /api/webhooks/{{event.data.webhook.id}}/replay). Events from '
      + 'while it is disabled are not queued for it: read them from GET /api/events?from=<the time it was disabled>.')],
  },
  // As first shipped: it said a replay would bring back what happened while the endpoint was disabled, which it cannot.
  earlierActions: [[email('replay what failed meanwhile (POST /api/webhooks/{{event.data.webhook.id}}/replay).')]],
});
