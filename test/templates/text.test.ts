// The plain-text part of an email, derived from the rendered HTML body.
import { expect } from 'chai';
import { htmlToText, renderTemplate } from '../../src/templates/index.js';

describe('templates: htmlToText', () => {
  it('keeps links as "text [url]", and a bare URL once', () => {
    const text = htmlToText('<p><a href="https://book.example.com/b/1">Manage booking</a> or <a href="https://book.example.com">https://book.example.com</a></p>');
    expect(text).to.equal('Manage booking [https://book.example.com/b/1] or https://book.example.com');
  });

  it('drops tags, styles and images, keeps paragraphs and lists readable', () => {
    const text = htmlToText('<html><head><style>p{color:red}</style></head><body><p>Your booking is <b>confirmed</b>.</p><img src="logo.png" alt="Logo"><ul><li>One</li><li>Two</li></ul></body></html>');
    expect(text).to.equal('Your booking is confirmed.\n\n * One\n * Two');
  });

  it('decodes what the HTML body escaped, so the text part shows the name as typed', () => {
    const html = renderTemplate('<p>Hei {{name}}</p>', { name: 'Ola & <Kari>' }, { timezone: 'Europe/Oslo', language: 'nb', publicUrl: 'https://x', escapeHtml: true });
    expect(htmlToText(html)).to.equal('Hei Ola & <Kari>');
  });

  it('does not wrap long lines (the mail client does)', () => {
    const long = 'ord '.repeat(60).trim();
    expect(htmlToText(`<p>${long}</p>`)).to.equal(long);
  });
});
