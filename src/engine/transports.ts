// The real transports, from configuration. Without SMTP or Twilio settings those ports report `configured: false`
// and messages are kept in the outbox as `captured`.
import type { Config } from '../config.js';
import { createHttpSender } from '../delivery/http.js';
import { createMailer } from '../delivery/mailer.js';
import { createSmsSender } from '../delivery/sms.js';
import type { Transports } from './index.js';

export function createTransports(config: Config): Transports {
  return {
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    sms: createSmsSender(config.twilio),
    http: createHttpSender({ allowPrivate: config.webhookAllowPrivate }),
  };
}
