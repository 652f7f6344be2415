// Helpers: dates in the location's time zone and the recipient's language (across DST changes), money, links, and
// the small value helpers. Expected strings are what Node's ICU produces; they are the messages customers read.
import { expect } from 'chai';
import { HELPERS, renderTemplate, type RenderOptions } from '../../src/templates/index.js';

const oslo: RenderOptions = { timezone: 'Europe/Oslo', language: 'nb', publicUrl: 'https://book.example.com', escapeHtml: false };
const render = (source: string, context: object, opts: Partial<RenderOptions> = {}) =>
  renderTemplate(source, context, { ...oslo, ...opts }).replace(/[\u00a0\u202f]/g, ' '); // Intl's no-break spaces

describe('templates: date helpers', () => {
  const booking = { startTime: '2026-01-15T10:00:00Z' };

  it('formats in the location time zone, long style by default', () => {
    expect(render('{{formatDate booking.startTime}}', { booking })).to.equal('torsdag 15. januar 2026 kl. 11:00');
    expect(render('{{formatTime booking.startTime}}', { booking })).to.equal('11:00');
    expect(render('{{formatDay booking.startTime}}', { booking })).to.equal('torsdag 15. januar 2026');
  });

  it('uses the recipient language for wording and order', () => {
    const en = render('{{formatDate booking.startTime}}', { booking }, { language: 'en' });
    expect(en).to.include('Thursday').and.include('January 15, 2026').and.include('11:00 AM');
    const gb = render('{{formatDate booking.startTime}}', { booking }, { language: 'en-GB' });
    expect(gb).to.include('Thursday').and.include('15 January 2026 at 11:00');
    const de = render('{{formatDate booking.startTime}}', { booking }, { language: 'de' });
    expect(de).to.include('Donnerstag').and.include('15. Januar 2026').and.include('11:00');
  });

  it('supports the short, medium and full styles', () => {
    expect(render('{{formatDate booking.startTime "short"}}', { booking })).to.equal('15.01.2026, 11:00');
    expect(render('{{formatDate booking.startTime "medium"}}', { booking })).to.equal('15. jan. 2026, 11:00');
    expect(render('{{formatDate booking.startTime "full"}}', { booking })).to.equal('torsdag 15. januar 2026 kl. 11:00 CET');
    // An unknown style (checkTemplate refuses literal ones) falls back to long rather than failing the send.
    expect(render('{{formatDate booking.startTime style}}', { booking, style: 'weird' })).to.equal('torsdag 15. januar 2026 kl. 11:00');
  });

  it('follows the Europe/Oslo DST change on 2026-03-29 (+01:00 -> +02:00)', () => {
    expect(render('{{formatTime t}}', { t: '2026-03-29T00:30:00Z' })).to.equal('01:30');
    expect(render('{{formatTime t}}', { t: '2026-03-29T01:30:00Z' })).to.equal('03:30');
    expect(render('{{formatDate t "full"}}', { t: '2026-03-29T01:30:00Z' }, { language: 'en-GB' })).to.include('03:30 CEST');
  });

  it('follows the America/New_York DST change on 2026-03-08 (-05:00 -> -04:00)', () => {
    const ny = { timezone: 'America/New_York', language: 'en-GB' };
    expect(render('{{formatTime t}}', { t: '2026-03-08T06:30:00Z' }, ny)).to.equal('01:30');
    expect(render('{{formatTime t}}', { t: '2026-03-08T07:30:00Z' }, ny)).to.equal('03:30');
    expect(render('{{formatDate t "full"}}', { t: '2026-03-08T07:30:00Z' }, { ...ny, language: 'en' })).to.include('EDT');
    // the full style writes the hour as the others do ("3:30 AM", not "03:30 AM")
    expect(render('{{formatDate t "full"}}', { t: '2026-03-08T07:30:00Z' }, { ...ny, language: 'en-US' })).to.equal('Sunday, March 8, 2026 at 3:30 AM EDT');
  });

  it('lets tz= override the location zone', () => {
    expect(render('{{formatTime booking.startTime tz="America/New_York"}}', { booking }, { language: 'en-GB' })).to.equal('05:00');
  });

  it('keeps the calendar day of a date-only value in every zone', () => {
    // "2026-03-29" would be 28 March in New York if read as UTC midnight.
    expect(render('{{formatDay d}}', { d: '2026-03-29' }, { timezone: 'America/New_York', language: 'en-GB' })).to.equal('Sunday, 29 March 2026');
  });

  it('accepts epoch milliseconds and Date objects', () => {
    const ms = Date.parse('2026-01-15T10:00:00Z');
    expect(render('{{formatTime t}}', { t: ms })).to.equal('11:00');
    expect(render('{{formatTime t}}', { t: new Date(ms) })).to.equal('11:00');
  });

  it('renders invalid or missing dates, zones and languages without throwing', () => {
    expect(render('[{{formatDate t}}][{{formatTime missing}}][{{formatDay ""}}]', { t: 'not a date' })).to.equal('[][][]');
    expect(render('{{formatTime t tz="Mars/Base"}}', { t: booking.startTime })).to.equal('11:00'); // falls back to the location
    expect(render('{{formatTime t}}', { t: booking.startTime }, { timezone: 'nowhere' })).to.equal('10:00'); // then UTC
    expect(render('{{formatTime t}}', { t: booking.startTime }, { language: 'not a tag!' })).to.equal('11:00 AM'); // then en
  });
});

describe('templates: formatMoney', () => {
  it('formats in the recipient language', () => {
    expect(render('{{formatMoney a "NOK"}}', { a: 450 })).to.equal('450,00 kr');
    expect(render('{{formatMoney a "EUR"}}', { a: 1234.5 }, { language: 'en-GB' })).to.equal('€1,234.50');
    expect(render('{{formatMoney a "EUR"}}', { a: 1234.5 }, { language: 'de' })).to.equal('1.234,50 €');
  });

  it('accepts numeric strings (Postgres numeric) and lower-case codes', () => {
    expect(render('{{formatMoney a c}}', { a: '99.9', c: 'nok' })).to.equal('99,90 kr');
  });

  it('degrades instead of throwing on bad input', () => {
    expect(render('[{{formatMoney a "NOK"}}]', { a: 'abc' })).to.equal('[]');
    expect(render('{{formatMoney a}}', { a: 1234.5 }, { language: 'en' })).to.equal('1,234.5');
    expect(render('{{formatMoney a "kroner"}}', { a: 450 }, { language: 'en' })).to.equal('450.00 kroner');
  });
});

describe('templates: url', () => {
  it('joins the public URL with the parts, encoding values', () => {
    const booking = { id: 'b 42/../admin' };
    expect(render('{{url "/bookings/" booking.id}}', { booking })).to.equal('https://book.example.com/bookings/b%2042%2F..%2Fadmin');
  });

  it('keeps slashes and query syntax written in literals', () => {
    expect(render('{{url "/bookings/" id "/cancel?lang=" lang}}', { id: 7, lang: 'nb' })).to.equal('https://book.example.com/bookings/7/cancel?lang=nb');
  });

  it('adds the missing slash and tolerates a trailing one on the base', () => {
    expect(render('{{url "bookings"}}', {}, { publicUrl: 'https://book.example.com/' })).to.equal('https://book.example.com/bookings');
    expect(render('{{url}}', {})).to.equal('https://book.example.com');
  });

  it('is escaped like any value inside an HTML body (correct in href)', () => {
    expect(render('<a href="{{url "/b?x=1&y=" v}}">', { v: 2 }, { escapeHtml: true })).to.equal('<a href="https://book.example.com/b?x&#x3D;1&amp;y&#x3D;2">');
  });
});

describe('templates: value helpers', () => {
  it('encode makes a value safe as a part of a URL, and tolerates missing values', () => {
    expect(render('https://crm.example.com/h?name={{encode name}}&x=1', { name: 'Kari & Ola #1 /ø' })).to.equal('https://crm.example.com/h?name=Kari%20%26%20Ola%20%231%20%2F%C3%B8&x=1');
    expect(render('[{{encode missing}}]', {})).to.equal('[]');
  });

  it('eq compares strictly and works inside if', () => {
    expect(render('{{#if (eq status "confirmed")}}yes{{else}}no{{/if}}', { status: 'confirmed' })).to.equal('yes');
    expect(render('{{#if (eq seats "2")}}yes{{else}}no{{/if}}', { seats: 2 })).to.equal('no');
  });

  it('default falls back on missing or empty values only', () => {
    expect(render('{{default name "friend"}}|{{default empty "friend"}}|{{default zero "none"}}', { empty: '', zero: 0 })).to.equal('friend|friend|0');
  });

  it('upper and lower follow the recipient language and tolerate missing values', () => {
    expect(render('{{upper s}}|{{lower t}}|{{upper missing}}', { s: 'blåbær', t: 'ÆØÅ' })).to.equal('BLÅBÆR|æøå|');
    expect(render('{{upper s}}', { s: 'i' }, { language: 'tr' })).to.equal('İ');
  });
});

describe('templates: HELPERS', () => {
  it('documents every helper with an example, for the picker and the docs', () => {
    const names = HELPERS.map((h) => h.name);
    expect(names).to.include.members(['formatDate', 'formatTime', 'formatDay', 'formatMoney', 'url', 'encode', 'eq', 'default', 'upper', 'lower', 'if', 'each']);
    for (const helper of HELPERS) {
      expect(helper.description, helper.name).to.not.equal('');
      expect(helper.example, helper.name).to.include(helper.name);
    }
  });
});
