// Templates: Handlebars with our helpers (dates in the location's zone and the recipient's language, money, links),
// rendered from an isolated instance, checked against a trigger's `variables` when a workflow is saved.
//
//   renderTemplate  at send time; missing values render as '', a broken template throws TemplateError
//   checkTemplate   at save time; returns every problem with a message saying what to write instead
//   htmlToText      the plain-text part of an email from its rendered HTML
//   HELPERS         name, description and example of each helper, for the UI's picker and the docs
export type { JSONSchema } from './schema.js';
export { renderTemplate, TemplateError, type RenderOptions } from './render.js';
export { checkTemplate, type TemplateProblem } from './check.js';
export { htmlToText } from './text.js';
export { HELPERS } from './helpers.js';
