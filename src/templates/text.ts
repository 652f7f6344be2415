// The plain-text part of an email, derived from its rendered HTML, so admins write one body and every recipient whose
// client prefers text (or who reads on a watch) still gets the links.
import { compile } from 'html-to-text';

// Compiled once: html-to-text turns its options into a selector decision tree, which is the expensive part.
const convert = compile({
  // No hard wrapping: lines are paragraphs and the reader's client wraps them. Wrapping at 80 would break long
  // URLs and Norwegian compound words mid-sentence; nodemailer's transfer encoding keeps lines legal either way.
  wordwrap: false,
  selectors: [
    // "Manage your booking [https://...]"; a link whose text is its URL is shown once.
    { selector: 'a', options: { linkBrackets: ['[', ']'], hideLinkHrefIfSameAsText: true } },
    // Logos and tracking pixels mean nothing in text.
    { selector: 'img', format: 'skip' },
  ],
});

export function htmlToText(html: string): string {
  return convert(html).trim();
}
