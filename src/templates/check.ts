// The save-time check: every name a template reads must exist in the trigger's `variables` schema, every helper must
// exist and be called correctly, and constructs we do not support (partials, decorators, unescaped output) are
// refused. A workflow that passes renders without surprises; one that fails is rejected with messages that say
// what to write instead. The scope model mirrors Handlebars at runtime (compat mode off): a name is looked up in the
// current scope only; {{#each}} and {{#with}} open a new scope, {{#if}}/{{#unless}} do not; ../ goes up one scope.
import { handlebars } from './render.js';
import { helperSpec, HELPER_NAMES } from './helpers.js';
import { DATE_STYLES, isDateStyle, isValidTimeZone } from './format.js';
import { closest, itemsOf, notADate, resolve, type JSONSchema, type Schema } from './schema.js';

export interface TemplateProblem {
  message: string;
  /** the path as written, for problems about a variable */
  variable?: string;
  /** 1-based */
  line?: number;
  /** 1-based */
  column?: number;
}

type Node = hbs.AST.Node;
type Call = { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash } & Node;

interface Frame {
  schema: Schema;
  /** how problems name this scope */
  label: string;
  each: boolean;
  /** `as |item index|` names */
  blockParams: Map<string, Schema>;
}

interface Walk {
  root: JSONSchema;
  frames: Frame[];
  problems: TemplateProblem[];
}

const EACH_DATA = ['index', 'first', 'last', 'key'];
const RENDER_DATA = ['timezone', 'language', 'publicUrl']; // see RenderData
const DATA_NAMES = ['root', ...EACH_DATA, ...RENDER_DATA];

export function checkTemplate(source: string, variables: JSONSchema): TemplateProblem[] {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(source);
  } catch (error) {
    return [syntaxProblem(error)];
  }
  const walk: Walk = {
    root: variables,
    frames: [{ schema: variables, label: 'the top level', each: false, blockParams: new Map() }],
    problems: [],
  };
  visitProgram(program, walk);
  return walk.problems;
}

function report(walk: Walk, node: Node, message: string, variable?: string): void {
  walk.problems.push({
    message,
    ...(variable !== undefined ? { variable } : {}),
    ...(node.loc ? { line: node.loc.start.line, column: node.loc.start.column + 1 } : {}),
  });
}

function visitProgram(program: hbs.AST.Program | undefined, walk: Walk): void {
  for (const statement of program?.body ?? []) visitStatement(statement, walk);
}

function visitStatement(node: Node, walk: Walk): void {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      // Danger: {{{x}}} skips HTML escaping, so a customer name could inject markup or links into an email. No message
      // needs it (helpers return plain text, and escaping a URL in href="" is correct HTML).
      if (!mustache.escaped) report(walk, node, `{{{...}}} and {{& ...}} print values unescaped; write {{...}} instead`);
      visitCall(mustache, walk, 'mustache');
      return;
    }
    case 'BlockStatement':
      visitBlock(node as hbs.AST.BlockStatement, walk);
      return;
    case 'PartialStatement':
    case 'PartialBlockStatement':
      report(walk, node, 'partials ({{> name}}) are not available in messages; write the text into the template');
      return;
    case 'Decorator':
    case 'DecoratorBlock':
      report(walk, node, 'decorators and inline partials ({{* ...}}, {{#* inline}}) are not supported; remove them');
      return;
    default:
      report(walk, node, `unsupported template construct (${node.type}); remove it`);
  }
}

/** The helper name a call's path could denote, and how to show the path in a message. */
function callee(path: Call['path'], walk: Walk): { name?: string; display: string } {
  if (path.type !== 'PathExpression') {
    const value = String((path as hbs.AST.StringLiteral).value);
    return { name: value, display: value };
  }
  const p = path as hbs.AST.PathExpression;
  // Only a plain name can be a helper; a block param of that name shadows the helper, as in Handlebars.
  const simple = p.parts.length === 1 && p.depth === 0 && !p.data && !isScoped(p);
  const shadowed = simple && blockParam(walk, p.parts[0]!) !== undefined;
  return { name: simple && !shadowed ? p.parts[0] : undefined, display: p.original };
}

function visitCall(node: Call, walk: Walk, kind: 'mustache' | 'subexpression'): void {
  const { name, display } = callee(node.path, walk);
  const spec = name !== undefined ? helperSpec(name) : undefined;
  const hasArgs = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
  if (spec) {
    if (spec.block) report(walk, node, `"${spec.name}" is a block helper: write {{#${spec.name} ...}}...{{/${spec.name}}}; e.g. ${usage(spec)}`);
    checkArgs(spec, node, walk);
  } else if (hasArgs || kind === 'subexpression') {
    unknownHelper(walk, node, display);
    node.params.forEach((param) => checkExpression(param, walk));
    node.hash?.pairs.forEach((pair) => checkExpression(pair.value, walk));
  } else if (node.path.type === 'PathExpression') {
    checkPath(node.path as hbs.AST.PathExpression, walk);
  } else {
    // {{"name"}} reads the field of that name.
    checkPath({ ...(node.path as hbs.AST.StringLiteral), type: 'PathExpression', data: false, depth: 0, parts: [display], original: display }, walk);
  }
}

function visitBlock(node: hbs.AST.BlockStatement, walk: Walk): void {
  const { name, display } = callee(node.path, walk);
  const spec = name !== undefined ? helperSpec(name) : undefined;
  if (!spec || !spec.block) {
    if (!spec) {
      report(walk, node, `unknown block helper "${display}"; use {{#if ${display}}}, {{#each ${display}}} or {{#with ${display}}}`);
    } else {
      report(walk, node, `"${spec.name}" is not a block helper; use it inside if, e.g. {{#if (${spec.name} a b)}}...{{/if}}`);
    }
    node.params.forEach((param) => checkExpression(param, walk));
    visitProgram(node.program, walk);
    visitProgram(node.inverse, walk);
    return;
  }
  const [target = true] = checkArgs(spec, node, walk);
  const blockParams = node.program?.blockParams ?? [];
  let frame: Frame | undefined;
  if (spec.name === 'each') {
    let items = itemsOf(target, walk.root);
    if (items === undefined) {
      report(walk, node, `{{#each}} needs a list, but "${describe(node.params[0])}" is not one; use {{#if}} or {{#with}} for a single value`, describe(node.params[0]));
      items = true;
    }
    frame = { schema: items, label: `each item of "${describe(node.params[0])}"`, each: true, blockParams: named(blockParams, [items, true]) };
  } else if (spec.name === 'with') {
    frame = { schema: target, label: `"${describe(node.params[0])}"`, each: false, blockParams: named(blockParams, [target]) };
  }
  if (frame) walk.frames.push(frame);
  visitProgram(node.program, walk);
  if (frame) walk.frames.pop();
  visitProgram(node.inverse, walk); // {{else}} runs in the outer scope
}

/** Checks arity, hash keys, literal options and every argument; returns the arguments' schemas. */
function checkArgs(spec: NonNullable<ReturnType<typeof helperSpec>>, node: Call, walk: Walk): Schema[] {
  const count = node.params.length;
  if (count < spec.minParams || count > spec.maxParams) {
    const range = spec.minParams === spec.maxParams ? `${spec.minParams}`
      : spec.maxParams === Number.POSITIVE_INFINITY ? `at least ${spec.minParams}` : `${spec.minParams} or ${spec.maxParams}`;
    report(walk, node, `"${spec.name}" takes ${range} argument${range === '1' ? '' : 's'}, got ${count}; e.g. ${usage(spec)}`);
  }
  for (const pair of node.hash?.pairs ?? []) {
    if (!spec.hashKeys.includes(pair.key)) {
      const accepted = spec.hashKeys.length > 0 ? `it takes ${spec.hashKeys.map((k) => `${k}=`).join(', ')}` : 'it takes no key=value options';
      report(walk, pair, `"${spec.name}" does not take ${pair.key}=; ${accepted}`);
    }
    if (pair.key === 'tz' && pair.value.type === 'StringLiteral' && !isValidTimeZone((pair.value as hbs.AST.StringLiteral).value)) {
      report(walk, pair, `tz="${(pair.value as hbs.AST.StringLiteral).value}" is not a time zone; use an IANA name like "Europe/Oslo"`);
    }
    checkExpression(pair.value, walk);
  }
  const style = node.params[1];
  if (spec.name === 'formatDate' && style && isLiteral(style) && !isDateStyle((style as hbs.AST.StringLiteral).value)) {
    report(walk, style, `formatDate style must be one of ${Object.keys(DATE_STYLES).map((s) => `"${s}"`).join(', ')}`);
  }
  const schemas = node.params.map((param) => checkExpression(param, walk));
  // A date helper given a name, a number or a status renders nothing at send time: a message with a gap.
  const value = node.params[0];
  if (DATE_HELPERS.has(spec.name) && value?.type === 'PathExpression' && schemas[0] !== undefined) {
    const what = notADate(schemas[0], walk.root);
    if (what) report(walk, value, `"${spec.name}" formats a date and time, and ${(value as hbs.AST.PathExpression).original} is ${what}; e.g. ${usage(spec)}`);
  }
  return schemas;
}

const DATE_HELPERS = new Set(['formatDate', 'formatTime', 'formatDay']);

function checkExpression(expression: hbs.AST.Expression, walk: Walk): Schema {
  if (expression.type === 'PathExpression') return checkPath(expression as hbs.AST.PathExpression, walk);
  if (expression.type === 'SubExpression') visitCall(expression as hbs.AST.SubExpression, walk, 'subexpression');
  return true; // literals, and helper results, which we do not type
}

function checkPath(path: hbs.AST.PathExpression, walk: Walk): Schema {
  if (path.data) return checkDataPath(path, walk);
  const head = path.parts[0];
  if (path.depth === 0 && !isScoped(path) && head !== undefined) {
    const param = blockParam(walk, head);
    if (param !== undefined) return resolved(walk, path, param, path.parts.slice(1), 1, `"${head}"`);
  }
  const index = walk.frames.length - 1 - path.depth;
  const frame = walk.frames[index];
  if (!frame) {
    report(walk, path, `"${path.original}" goes above the top level; remove a "../"`, path.original);
    return true;
  }
  return resolved(walk, path, frame.schema, path.parts, 0, frame.label);
}

function checkDataPath(path: hbs.AST.PathExpression, walk: Walk): Schema {
  const [head = '', ...rest] = path.parts;
  if (head === 'root') return resolved(walk, path, walk.root, rest, 1, 'the top level');
  if (EACH_DATA.includes(head) && rest.length === 0) {
    if (!walk.frames.some((f) => f.each)) report(walk, path, `"@${head}" is only available inside {{#each}}`, path.original);
    return true;
  }
  if (RENDER_DATA.includes(head) && rest.length === 0) return { type: 'string' };
  const guess = closest(head, DATA_NAMES);
  const hint = guess ? `did you mean "@${guess}"?` : `available: ${DATA_NAMES.map((n) => `@${n}`).join(', ')}`;
  report(walk, path, `unknown variable "${path.original}"; ${hint}`, path.original);
  return true;
}

/** Resolves parts[from..] (of the written path) against `schema`, reporting a helpful problem on failure. */
function resolved(walk: Walk, path: hbs.AST.PathExpression, schema: Schema, parts: string[], from: number, label: string): Schema {
  const result = resolve(schema, parts, walk.root);
  if (result.ok) return result.schema;
  const all = path.parts;
  const at = from + result.index; // index of the failing segment in path.parts
  const lead = leadOf(path);
  const shown = (segments: string[]) => lead + segments.join('.');
  const parent = at === from ? label : `"${shown(all.slice(0, at))}"`;
  const written = path.original;
  if (result.scalar) {
    report(walk, path, `${parent} is ${result.scalar} and has no field "${all[at]}"; use "${shown(all.slice(0, at))}"`, written);
    return true;
  }
  const guess = closest(all[at]!, result.keys);
  if (guess) {
    report(walk, path, `unknown variable "${written}"; did you mean "${shown([...all.slice(0, at), guess, ...all.slice(at + 1)])}"?`, written);
    return true;
  }
  const outer = at === 0 && !path.data && path.depth === 0 && !isScoped(path) ? outerScope(walk, all) : undefined;
  if (outer !== undefined) {
    const alternatives = [`"${'../'.repeat(outer)}${written}"`];
    if (outer === walk.frames.length - 1) alternatives.push(`"@root.${written}"`);
    report(walk, path, `unknown variable "${written}": here names refer to ${label}; write ${alternatives.join(' or ')}`, written);
    return true;
  }
  const known = result.keys.length === 0 ? 'has no known fields'
    : `has: ${result.keys.slice(0, 12).join(', ')}${result.keys.length > 12 ? ', ...' : ''}`;
  report(walk, path, `unknown variable "${written}"; ${parent} ${known}`, written);
  return true;
}

/** How many scopes up a path would resolve, if it would. */
function outerScope(walk: Walk, parts: string[]): number | undefined {
  for (let up = 1; up < walk.frames.length; up++) {
    if (resolve(walk.frames[walk.frames.length - 1 - up]!.schema, parts, walk.root).ok) return up;
  }
  return undefined;
}

function blockParam(walk: Walk, name: string): Schema | undefined {
  for (let i = walk.frames.length - 1; i >= 0; i--) {
    const schema = walk.frames[i]!.blockParams.get(name);
    if (schema !== undefined) return schema;
  }
  return undefined;
}

function named(names: string[], schemas: Schema[]): Map<string, Schema> {
  return new Map(names.map((name, i) => [name, schemas[i] ?? true]));
}

// "this.x", "./x", "this", ".": explicitly the current scope, never a helper or a block param.
const isScoped = (path: hbs.AST.PathExpression): boolean => /^(\.|this\b)/.test(path.original);

/** What precedes the parts in the written path: "../", "this.", "@root.". */
function leadOf(path: hbs.AST.PathExpression): string {
  if (path.data) return '@'; // parts start with the data name, e.g. ['root', 'customer']
  const tail = path.parts.join('.');
  return path.original.endsWith(tail) ? path.original.slice(0, path.original.length - tail.length) : '../'.repeat(path.depth);
}

/** The template half of a helper's example ("{{x}}  ->  output"). */
const usage = (spec: { example: string }): string => spec.example.split('  ->  ')[0]!;

const isLiteral = (e: hbs.AST.Expression) => ['StringLiteral', 'NumberLiteral', 'BooleanLiteral', 'NullLiteral', 'UndefinedLiteral'].includes(e.type);

function describe(expression: hbs.AST.Expression | undefined): string {
  if (!expression) return '';
  if (expression.type === 'PathExpression') return (expression as hbs.AST.PathExpression).original;
  if (expression.type === 'SubExpression') return `(${describe((expression as hbs.AST.SubExpression).path)} ...)`;
  return String((expression as hbs.AST.StringLiteral).value);
}

function unknownHelper(walk: Walk, node: Node, name: string): void {
  const guess = closest(name, HELPER_NAMES);
  const hint = guess ? `did you mean "${guess}"?` : `available helpers: ${HELPER_NAMES.filter((n) => n !== 'log').join(', ')}`;
  report(walk, node, `unknown helper "${name}"; ${hint}`);
}

function syntaxProblem(error: unknown): TemplateProblem {
  const message = error instanceof Error ? error.message : String(error);
  const e = error as { lineNumber?: number; column?: number };
  const parseLine = /^Parse error on line (\d+):/.exec(message)?.[1];
  const line = typeof e.lineNumber === 'number' ? e.lineNumber : parseLine ? Number(parseLine) : undefined;
  let column = typeof e.column === 'number' ? e.column + 1 : undefined;
  if (parseLine && column === undefined) {
    // Handlebars' parse errors carry no position, but its (shared, synchronous) lexer still holds where it stopped.
    // Only read, never written; if the shape ever changes we simply report the line.
    const lexer = (handlebars as unknown as { Parser?: { lexer?: { yylloc?: { first_line?: number; first_column?: number } } } }).Parser?.lexer;
    const at = lexer?.yylloc;
    if (at && at.first_line === line && typeof at.first_column === 'number') column = at.first_column + 1;
  }
  const got = /got '(\w+)'/.exec(message)?.[1];
  let hint: string;
  if (/doesn't match/.test(message)) hint = `${message.split(' - ')[0]}; close each block with its own name, e.g. {{#if x}}...{{/if}}`;
  else if (got === 'EOF') hint = 'the template ends inside {{ }} or an open block; close it with }} or {{/name}}';
  else if (got === 'INVALID') hint = 'unexpected character inside {{ }}, or a {{ that is never closed; names are letters, digits, _ and dots, and text goes in "quotes"';
  else if (got === 'CLOSE_UNESCAPED') hint = '"}}}" closes a "{{"; write "}}"';
  else if (parseLine) hint = `unexpected ${got ?? 'input'} inside {{ }}; check the braces and quotes`;
  else hint = message.split('\n')[0] ?? message;
  return { message: `syntax error${line !== undefined ? ` on line ${line}` : ''}: ${hint}`, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
}
