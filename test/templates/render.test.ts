// Rendering: escaping per output kind, the compiled-template cache, and the trust boundary between tenant-written
// templates and anyone-written data.
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { renderTemplate, TemplateError, type RenderOptions } from '../../src/templates/index.js';
import { compiledCount } from '../../src/templates/render.js';

const text: RenderOptions = { timezone: 'Europe/Oslo', language: 'nb', publicUrl: 'https://book.example.com', escapeHtml: false };
const html: RenderOptions = { ...text, escapeHtml: true };

describe('templates: renderTemplate', () => {
  const context = { customer: { name: 'Ola <script>alert(1)</script> & {{customer.secret}}', secret: 'hidden' } };

  it('escapes data only for an email HTML body', () => {
    expect(renderTemplate('Hei {{customer.name}}', context, html))
      .to.equal('Hei Ola &lt;script&gt;alert(1)&lt;/script&gt; &amp; {{customer.secret}}');
    // Subject, plain text, SMS and webhook text must show the name as typed, not "&lt;".
    expect(renderTemplate('Hei {{customer.name}}', context, text))
      .to.equal('Hei Ola <script>alert(1)</script> & {{customer.secret}}');
  });

  it('prints template syntax inside data literally, never evaluating it', () => {
    const out = renderTemplate('{{customer.name}}', { customer: { name: '{{#each this}}{{@key}}{{/each}} {{> x}}' } }, text);
    expect(out).to.equal('{{#each this}}{{@key}}{{/each}} {{> x}}');
  });

  it('renders missing values as empty strings instead of throwing', () => {
    expect(renderTemplate('[{{booking.id}}][{{a.b.c.d}}][{{#each nothing}}x{{/each}}]', {}, text)).to.equal('[][][]');
    expect(renderTemplate('[{{formatDate booking.startTime}}][{{formatMoney payment.amount "NOK"}}]', {}, text)).to.equal('[][]');
  });

  it('keeps the built-in block helpers', () => {
    const out = renderTemplate(
      '{{#if ok}}yes{{else}}no{{/if}} {{#unless ok}}x{{/unless}}{{#with c}}{{n}}{{/with}} {{#each l}}{{this}}{{#unless @last}},{{/unless}}{{/each}}',
      { ok: true, c: { n: 'N' }, l: [1, 2, 3] }, text);
    expect(out).to.equal('yes N 1,2,3');
  });

  it('throws a non-retriable TemplateError for a broken template', () => {
    for (const source of ['{{#if x}}', '{{nohelper x}}', '{{> footer}}']) {
      expect(() => renderTemplate(source, {}, text), source).to.throw(TemplateError).with.property('code', 'template_invalid');
    }
  });

  it('does not let {{log}} write data to the server log', () => {
    expect(renderTemplate('a{{log customer.name}}b', context, text)).to.equal('ab');
  });

  it('registers helpers on an isolated instance, not the global Handlebars', () => {
    expect(Handlebars.helpers).to.not.have.property('formatDate');
    expect(Handlebars.helpers).to.not.have.property('url');
  });
});

describe('templates: compiled-template cache', () => {
  it('compiles a template once, however often it is sent', () => {
    const source = `cache-once {{n}} ${Math.random()}`;
    const before = compiledCount();
    for (let n = 0; n < 5; n++) expect(renderTemplate(source, { n }, text)).to.match(new RegExp(`^cache-once ${n} `));
    expect(compiledCount() - before).to.equal(1);
  });

  it('keys by escape mode, since escaping changes the compiled code', () => {
    const source = `cache-mode {{x}} ${Math.random()}`;
    const before = compiledCount();
    expect(renderTemplate(source, { x: '<' }, text)).to.match(/^cache-mode < /);
    expect(renderTemplate(source, { x: '<' }, html)).to.match(/^cache-mode &lt; /);
    renderTemplate(source, { x: '<' }, html);
    expect(compiledCount() - before).to.equal(2);
  });

  it('does not cache a template that fails to parse', () => {
    const before = compiledCount();
    expect(() => renderTemplate('{{#if broken}}', {}, text)).to.throw(TemplateError);
    expect(() => renderTemplate('{{#if broken}}', {}, text)).to.throw(TemplateError);
    expect(compiledCount()).to.equal(before);
  });

  it('evicts the least recently used template beyond 5000 entries', () => {
    const first = `cache-evict-first ${Math.random()}`;
    renderTemplate(first, {}, text);
    for (let i = 0; i < 5000; i++) renderTemplate(`cache-evict ${i} {{x}}`, {}, text);
    const before = compiledCount();
    renderTemplate(first, {}, text);
    expect(compiledCount() - before).to.equal(1);
  });
});

describe('templates: prototype access stays blocked', () => {
  // Handlebars logs each denied property once; keep the test output clean.
  const original = console.error;
  before(() => { console.error = () => {}; });
  after(() => { console.error = original; });

  const probes = [
    '{{constructor}}', '{{__proto__}}', '{{constructor.constructor}}', '{{constructor.name}}',
    '{{customer.constructor.name}}', '{{customer.__proto__.polluted}}', '{{toString}}', '{{customer.hasOwnProperty}}',
    '{{lookup this "constructor"}}', '{{lookup customer "__proto__"}}', '{{#with __proto__}}in{{/with}}',
    '{{#with "s" as |s|}}{{s.constructor.name}}{{/with}}', '{{#with constructor}}{{name}}{{/with}}',
    '{{#each constructor}}x{{/each}}', '{{__defineGetter__}}', '{{customer.__lookupGetter__}}',
  ];

  for (const probe of probes) {
    it(`renders ${probe} as nothing`, () => {
      expect(renderTemplate(probe, { customer: { name: 'Ola' } }, text)).to.equal('');
    });
  }

  it('treats an own "__proto__" key from parsed JSON as plain data, never as the prototype', () => {
    const context = JSON.parse('{"__proto__": {"polluted": "yes"}, "customer": {"name": "Ola"}}') as object;
    // JSON.parse makes "__proto__" an ordinary own property: reading it is reading data, and nothing else sees it.
    expect(renderTemplate('{{customer.polluted}}|{{polluted}}', context, text)).to.equal('|');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
