import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseXml, type XmlElement } from './xml';

function root(text: string): XmlElement {
  const r = parseXml(text);
  if (!r.ok) throw new Error(`line ${r.line}: ${r.message}`);
  return r.root;
}

const UNKNOWN_ENTITY = 'an unknown entity (only &amp; &lt; &gt; &quot; &apos; and character references)';

const failure = (text: string) => {
  const r = parseXml(text);
  return r.ok ? 'parsed' : `${r.line}: ${r.message}`;
};

describe('parseXml', () => {
  it('reads elements, attributes, text, entities, CDATA and comments', () => {
    const el = root(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand -->\n<a x="1" y=\'&lt;2&gt;\'>\n  <name>R&amp;D&apos;s &quot;bot&quot; &#233;&#x4E2D;</name>\n  <e/><c><![CDATA[<raw> & text]]></c>\n</a>\n',
    );
    expect(el.name).toBe('a');
    expect(el.attributes).toEqual({ x: '1', y: '<2>' });
    expect(el.children.map((c) => [c.name, c.text, c.line])).toEqual([
      ['name', `R&D's "bot" é中`, 4],
      ['e', '', 5],
      ['c', '<raw> & text', 5],
    ]);
  });

  it.each([
    ['<a><b></a>', '1: a closing tag does not match the element opened on line 1'],
    ['<a>\n<b>\n', '3: the element opened on line 2 is not closed'],
    ['<a>x & y</a>', '1: "&" must start an entity such as &amp;'],
    ['<a>&nbsp;</a>', `1: ${UNKNOWN_ENTITY}`],
    ['<a>&#xD800;</a>', `1: ${UNKNOWN_ENTITY}`],
    ['<a></a><b></b>', '1: a second root element'],
    ['<a></a>text', '1: text outside the root element'],
    ['', '1: no root element'],
    ['<a>\n<!-- open', '2: a comment is not closed'],
    ['<a>1 < 2</a>', '1: "<" must start a tag (write &lt; in text)'],
    ['<a b="1" b="2"/>', '1: an attribute appears twice in one tag'],
    ['<a b=1/>', '1: a malformed start tag'],
    ['</a>', '1: a closing tag without a start tag'],
    [
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '1: a DOCTYPE or other declaration is not supported in a label file',
    ],
  ])('refuses %j with its line', (text, message) => {
    expect(failure(text)).toBe(message);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} without overflowing the stack`, () => {
    expect(failure('<a>'.repeat(100_000))).toBe(`1: elements nest deeper than ${MAX_DEPTH}`);
    expect(parseXml(`${'<a>'.repeat(MAX_DEPTH)}${'</a>'.repeat(MAX_DEPTH)}`).ok).toBe(true);
  });
});
