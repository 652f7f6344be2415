import net from 'node:net';
import { expect } from 'chai';
import { createMailer } from '../../src/delivery/mailer.js';
import { DeliveryError, type EmailMessage, type Mailer } from '../../src/delivery/types.js';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp.js';

let counter = 0;
function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  counter++;
  return {
    to: 'ada@example.test',
    subject: `Booking ${counter}`,
    text: 'See you on Monday.',
    messageId: `<msg-${counter}@bookflow>`,
    ...overrides,
  };
}

async function sendError(mailer: Mailer, msg: EmailMessage): Promise<DeliveryError> {
  try {
    await mailer.send(msg);
  } catch (err) {
    expect(err).to.be.instanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('send should have failed');
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mailer (SMTP)', () => {
  let smtp: SmtpCapture;
  let mailer: Mailer;

  before(async () => {
    smtp = await startSmtpServer();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'Bookflow <noreply@bookflow.test>' });
  });
  after(async () => {
    await mailer.close();
    await smtp.close();
  });

  it('sends text and html with the given Message-ID', async () => {
    const msg = message({ html: '<p>See you on <b>Monday</b>.</p>' });
    const result = await mailer.send(msg);
    const got = await smtp.waitFor((m) => m.messageId === msg.messageId);
    expect(result.providerId).to.equal(msg.messageId);
    expect(result.response).to.match(/^250/);
    expect(got.from).to.equal('noreply@bookflow.test');
    expect(got.to).to.deep.equal(['ada@example.test']);
    expect(got.subject).to.equal(msg.subject);
    expect(got.text?.trim()).to.equal('See you on Monday.');
    expect(got.html).to.contain('<b>Monday</b>');
  });

  it('uses the message sender when one is given', async () => {
    const msg = message({ from: 'desk@salon.test' });
    await mailer.send(msg);
    const got = await smtp.waitFor((m) => m.messageId === msg.messageId);
    expect(got.from).to.equal('desk@salon.test');
  });

  it('a 5xx at DATA is permanent', async () => {
    smtp.failNext(1, 550, 'Mailbox unavailable');
    const err = await sendError(mailer, message());
    expect(err.code).to.equal('SMTP_REJECTED');
    expect(err.permanent).to.equal(true);
    expect(err.detail.providerCode).to.equal(550);
  });

  it('a 5xx at RCPT TO (unknown mailbox) is permanent', async () => {
    smtp.failNext(1, 553, 'Bad destination mailbox address', { at: 'rcpt' });
    const err = await sendError(mailer, message());
    expect(err.code).to.equal('SMTP_REJECTED');
    expect(err.permanent).to.equal(true);
  });

  it('a 4xx is transient, and the next attempt goes through', async () => {
    smtp.failNext(1, 451, 'Try again later');
    const msg = message();
    const err = await sendError(mailer, msg);
    expect(err.code).to.equal('SMTP_TEMPORARY');
    expect(err.permanent).to.equal(false);
    await mailer.send(msg);
    await smtp.waitFor((m) => m.messageId === msg.messageId);
  });

  it('an address nodemailer cannot use is permanent', async () => {
    const err = await sendError(mailer, message({ to: 'not an address' }));
    expect(err.code).to.equal('SMTP_INVALID_ADDRESS');
    expect(err.permanent).to.equal(true);
  });

  // Header injection: user text with CR/LF must stay inside its own header.
  it('CR/LF in the subject does not add headers', async () => {
    const msg = message({ subject: 'Hello\r\nBcc: victim@evil.test\r\nX-Injected: yes' });
    await mailer.send(msg);
    const got = await smtp.waitFor((m) => m.messageId === msg.messageId);
    expect(got.headers.has('bcc')).to.equal(false);
    expect(got.headers.has('x-injected')).to.equal(false);
    expect(got.raw).not.to.match(/^(Bcc|X-Injected):/im);
    expect(got.envelopeTo).to.deep.equal(['ada@example.test']);
  });

  // nodemailer would read this as a group holding only victim@evil.test and deliver it there.
  it('CR/LF in the recipient is refused, nothing is sent', async () => {
    const before = smtp.messages.length;
    const err = await sendError(mailer, message({ to: 'ada@example.test\r\nBcc: victim@evil.test' }));
    expect(err.code).to.equal('SMTP_INVALID_ADDRESS');
    expect(err.permanent).to.equal(true);
    expect(smtp.messages.length).to.equal(before);
  });

  it('a list of recipients is refused: one address per message', async () => {
    const err = await sendError(mailer, message({ to: 'ada@example.test, eve@example.test' }));
    expect(err.code).to.equal('SMTP_INVALID_ADDRESS');
  });

  it('CR/LF in a custom header value does not add headers', async () => {
    const msg = message({ headers: { 'X-Booking': '42\r\nX-Injected: yes' } });
    await mailer.send(msg);
    const got = await smtp.waitFor((m) => m.messageId === msg.messageId);
    expect(got.headers.has('x-injected')).to.equal(false);
    expect(got.raw).not.to.match(/^X-Injected:/im);
  });

  it('a refused connection is transient', async () => {
    const port = await closedPort();
    const offline = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'noreply@bookflow.test' });
    try {
      const err = await sendError(offline, message());
      expect(err.code).to.equal('SMTP_CONNECTION');
      expect(err.message).to.contain('ECONNREFUSED');
      expect(err.permanent).to.equal(false);
    } finally {
      await offline.close();
    }
  });

  it('without SMTP_URL it is not configured and refuses to send', async () => {
    const unconfigured = createMailer({ smtpUrl: null, from: 'noreply@bookflow.test' });
    expect(unconfigured.configured).to.equal(false);
    const err = await sendError(unconfigured, message());
    expect(err.code).to.equal('SMTP_NOT_CONFIGURED');
  });
});
