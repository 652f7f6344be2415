// The save-time check: what passes renders without surprises; what fails says what to write instead.
import { expect } from 'chai';
import { checkTemplate, type JSONSchema } from '../../src/templates/index.js';

const str = { type: 'string' };
const variables: JSONSchema = {
  type: 'object',
  properties: {
    booking: {
      type: ['object', 'null'],
      properties: {
        id: str, startTime: { type: 'string', format: 'date-time' }, seats: { type: 'integer' },
        lines: { type: 'array', items: { type: 'object', properties: { name: str, price: { type: 'number' } } } },
      },
    },
    customer: { type: ['object', 'null'], properties: { name: str, email: { type: ['string', 'null'] }, phone: str } },
    event: { type: 'object', properties: { type: str, data: { type: 'object', properties: { payment: { $ref: '#/$defs/payment' } }, additionalProperties: true } } },
    changes: { type: 'object', properties: { startTime: { type: 'object', properties: { from: {}, to: {} } } } },
    tags: { type: 'object', additionalProperties: { type: 'object', properties: { label: str } } },
    anything: {},
  },
  $defs: { payment: { type: 'object', properties: { amount: { type: 'number' }, currency: str } } },
};

const check = (source: string) => checkTemplate(source, variables);
const messages = (source: string) => check(source).map((p) => p.message);

describe('templates: checkTemplate accepts', () => {
  const valid = [
    ['nested paths', 'Hei {{customer.name}}, {{formatDate booking.startTime "short"}} ({{booking.seats}})'],
    ['helpers with paths, literals and sub-expressions', '{{#if (eq booking.seats 2)}}{{upper (default customer.email "-")}}{{/if}}{{url "/b/" booking.id}}{{formatTime booking.startTime tz="America/New_York"}}'],
    ['additionalProperties: true accepts deeper paths', '{{event.data.anything.at.all}}'],
    ['a schema without properties accepts deeper paths', '{{anything.x.y}}{{changes.startTime.from.whatever}}'],
    ['local $ref', '{{formatMoney event.data.payment.amount event.data.payment.currency}}'],
    ['each: item scope, this, ../, @root and @-variables', '{{#each booking.lines}}{{@index}} {{name}} {{this.price}} {{../booking.id}} {{@root.customer.name}}{{#if @first}}first{{/if}}{{#if @last}}last{{/if}}{{/each}}'],
    ['each over an object with additionalProperties, and @key', '{{#each tags}}{{@key}}: {{label}}{{/each}}'],
    ['each with block params', '{{#each booking.lines as |line i|}}{{i}} {{line.name}} {{price}} {{@root.customer.name}}{{/each}}'],
    ['with: scope, ../ and else', '{{#with customer}}{{name}} {{../booking.id}}{{else}}{{booking.id}}{{/with}}'],
    ['if/else if chains and unless', '{{#if customer.phone}}a{{else if customer.email}}b{{else}}c{{/if}}{{#unless booking}}d{{/unless}}'],
    ['array index and length', '{{booking.lines.length}} {{booking.lines.[0].name}}'],
    ['render data', '{{@timezone}} {{@language}} {{@publicUrl}}'],
    ['literals and comments', '{{! a note }}{{!-- {{nothing}} --}}{{#if true}}x{{/if}}'],
    ['lookup', '{{lookup customer "name"}}'],
  ];
  for (const [why, source] of valid) {
    it(why!, () => expect(check(source!)).to.deep.equal([]));
  }
});

describe('templates: checkTemplate rejects', () => {
  it('an unknown variable, suggesting the closest known path', () => {
    expect(check('Hei\n  {{customer.nmae}}')).to.deep.equal([{
      message: 'unknown variable "customer.nmae"; did you mean "customer.name"?', variable: 'customer.nmae', line: 2, column: 5,
    }]);
    expect(messages('{{custmer.email}}')).to.deep.equal(['unknown variable "custmer.email"; did you mean "customer.email"?']);
  });

  it('an unknown variable with nothing close, listing what exists there', () => {
    expect(messages('{{customer.address}}')).to.deep.equal(['unknown variable "customer.address"; "customer" has: email, name, phone']);
    expect(messages('{{price}}')[0]).to.match(/^unknown variable "price"; the top level has: .*booking, .*customer/);
  });

  it('a field of a scalar', () => {
    expect(messages('{{customer.name.first}}')).to.deep.equal(['"customer.name" is a string and has no field "first"; use "customer.name"']);
  });

  it('a top-level name used inside each, pointing to ../ and @root', () => {
    expect(check('{{#each booking.lines}}{{customer.name}}{{/each}}')).to.deep.equal([{
      message: 'unknown variable "customer.name": here names refer to each item of "booking.lines"; write "../customer.name" or "@root.customer.name"',
      variable: 'customer.name', line: 1, column: 26,
    }]);
  });

  it('wrong names inside each, with and block params', () => {
    expect(messages('{{#each booking.lines}}{{nmae}}{{/each}}')).to.deep.equal(['unknown variable "nmae"; did you mean "name"?']);
    expect(messages('{{#with customer}}{{emial}}{{/with}}')).to.deep.equal(['unknown variable "emial"; did you mean "email"?']);
    expect(messages('{{#each booking.lines as |line|}}{{line.prise}}{{/each}}')).to.deep.equal(['unknown variable "line.prise"; did you mean "line.price"?']);
    expect(messages('{{#each booking.lines}}{{../nope}}{{/each}}')[0]).to.match(/^unknown variable "\.\.\/nope"; the top level has:/);
    expect(messages('{{@root.customer.nmae}}')).to.deep.equal(['unknown variable "@root.customer.nmae"; did you mean "@root.customer.name"?']);
  });

  it('@-variables outside each, unknown ones, and ../ above the top', () => {
    expect(messages('{{@index}}')).to.deep.equal(['"@index" is only available inside {{#each}}']);
    expect(messages('{{@indx}}')).to.deep.equal(['unknown variable "@indx"; did you mean "@index"?']);
    expect(messages('{{../booking.id}}')).to.deep.equal(['"../booking.id" goes above the top level; remove a "../"']);
  });

  it('a name inside each over an object that its values do not have', () => {
    expect(messages('{{#each booking}}{{bogus}}{{/each}}')[0]).to.include('"bogus"');
    expect(check('{{#each booking}}{{@key}}={{this}}{{/each}} {{#each tags}}{{label}}{{/each}} {{#each anything}}{{x}}{{/each}}')).to.deep.equal([]);
  });

  it('each over something that is not a list', () => {
    expect(messages('{{#each customer.name}}x{{/each}}')[0]).to.match(/^\{\{#each\}\} needs a list, but "customer.name" is not one/);
  });

  it('an unknown helper, suggesting the closest', () => {
    expect(check('{{formatDat booking.startTime}}')).to.deep.equal([{ message: 'unknown helper "formatDat"; did you mean "formatDate"?', line: 1, column: 1 }]);
    expect(messages('{{#if (shout customer.name)}}x{{/if}}')[0]).to.match(/^unknown helper "shout"; available helpers: formatDate, /);
    expect(messages('{{#repeat booking.lines}}x{{/repeat}}')[0]).to.match(/^unknown block helper "repeat"; use \{\{#if repeat\}\}/);
  });

  it('helper misuse: arity, options, styles, zones, block/inline mix-ups', () => {
    expect(messages('{{formatDate}}')).to.deep.equal(['"formatDate" takes 1 or 2 arguments, got 0; e.g. {{formatDate booking.startTime}}']);
    expect(messages('{{eq booking.id}}')).to.deep.equal(['"eq" takes 2 arguments, got 1; e.g. {{#if (eq booking.status "confirmed")}}See you soon!{{/if}}']);
    expect(messages('{{formatTime booking.startTime zone="UTC"}}')).to.deep.equal(['"formatTime" does not take zone=; it takes tz=']);
    expect(messages('{{formatDate booking.startTime "longest"}}')).to.deep.equal(['formatDate style must be one of "short", "medium", "long", "full"']);
    expect(messages('{{formatDate booking.startTime tz="Europe/Olso"}}')).to.deep.equal(['tz="Europe/Olso" is not a time zone; use an IANA name like "Europe/Oslo"']);
    expect(messages('{{each booking.lines}}')[0]).to.match(/^"each" is a block helper: write \{\{#each \.\.\.\}\}/);
    expect(messages('{{#eq booking.id "x"}}y{{/eq}}')).to.deep.equal(['"eq" is not a block helper; use it inside if, e.g. {{#if (eq a b)}}...{{/if}}']);
  });

  it('a date helper given something that is not a date, which would render as nothing', () => {
    expect(messages('{{formatDate customer.name}}')).to.deep.equal([
      '"formatDate" formats a date and time, and customer.name is text; e.g. {{formatDate booking.startTime}}']);
    expect(messages('{{formatTime booking.seats}}')[0]).to.include('booking.seats is an integer');
    expect(messages('{{formatDay booking}}')[0]).to.include('booking is an object');
    // a date-time, and values of unknown type (an open schema, the from/to of a change), pass
    expect(check('{{formatDay booking.startTime}} {{formatTime changes.startTime.to}} {{formatDate anything.x}} {{formatDate event.data.at}}')).to.deep.equal([]);
  });

  it('a syntax error, with its line and column', () => {
    expect(check('Hei\n{{#if customer.name}}x')).to.deep.equal([{
      message: 'syntax error on line 2: the template ends inside {{ }} or an open block; close it with }} or {{/name}}', line: 2, column: 23,
    }]);
    const mismatch = check('a\nb {{#if x}}{{/each}}');
    expect(mismatch).to.have.length(1);
    expect(mismatch[0]).to.include({ line: 2 });
    expect(mismatch[0]!.message).to.match(/^syntax error on line 2: if doesn't match each; close each block with its own name/);
    expect(check('{{customer.name}')[0]!.message).to.match(/^syntax error on line 1: /);
  });

  it('partials, decorators and unescaped output', () => {
    expect(messages('{{> footer}}')).to.deep.equal(['partials ({{> name}}) are not available in messages; write the text into the template']);
    expect(messages('{{#> layout}}x{{/layout}}')).to.have.length(1);
    expect(messages('{{#*inline "p"}}x{{/inline}}')[0]).to.match(/^decorators and inline partials/);
    // {{{ }}} would let a customer name inject markup into an HTML email.
    expect(messages('{{{customer.name}}}')).to.deep.equal(['{{{...}}} and {{& ...}} print values unescaped; write {{...}} instead']);
    expect(messages('{{& customer.name}}')).to.have.length(1);
  });

  it('reports every problem, not only the first', () => {
    expect(check('{{a}} {{b}} {{#each booking.lines}}{{c}}{{/each}}')).to.have.length(3);
  });
});
