/**
 * A small, strict XML reader for label files (Pascal VOC): elements, attributes, text, the five
 * named entities and character references, comments, CDATA and processing instructions. A DOCTYPE
 * is refused (no entity definitions, so no entity expansion attacks); so are mismatched or unclosed
 * tags, text outside the root and nesting deeper than `MAX_DEPTH`. Iterative: deep input cannot
 * overflow the stack. Namespaces are not resolved (`a:b` is just a name).
 */
import { lineAt } from '../../json-text';

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own text (outside its children), entities decoded, not trimmed. */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

export type XmlResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly line: number; readonly message: string };

export const MAX_DEPTH = 64;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][\w.:\-\u00B7\u00C0-\uFFFF]*/;
const ATTRIBUTE = /^\s+([A-Za-z_:\u00C0-\uFFFF][\w.:\-\u00B7\u00C0-\uFFFF]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/;

class XmlSyntaxError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

function decode(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string, offset: number) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError(at + offset, `"&" must start an entity such as &amp;`);
    if (Object.hasOwn(NAMED, body)) return NAMED[body];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    const code = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
      throw new XmlSyntaxError(
        at + offset,
        'an unknown entity (only &amp; &lt; &gt; &quot; &apos; and character references)',
      );
    return String.fromCodePoint(code);
  });
}

function parse(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  let line = 1;
  // Lines are counted as the cursor moves, so element lines cost nothing extra.
  const advance = (to: number) => {
    for (let k = i; k < to; k += 1) if (text.charCodeAt(k) === 10) line += 1;
    i = to;
  };
  const need = (token: string, from: number, what: string): number => {
    const end = text.indexOf(token, from);
    if (end < 0) throw new XmlSyntaxError(from, `${what} is not closed`);
    return end;
  };
  const addText = (raw: string, at: number) => {
    const top = stack.at(-1);
    if (top !== undefined) top.text += raw;
    else if (raw.trim() !== '') throw new XmlSyntaxError(at, 'text outside the root element');
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(decode(text.slice(i), i), i);
      advance(text.length);
      break;
    }
    if (lt > i) addText(decode(text.slice(i, lt), i), i);
    advance(lt);
    if (text.startsWith('<!--', i)) {
      advance(need('-->', i + 4, 'a comment') + 3);
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = need(']]>', i + 9, 'a CDATA section');
      if (stack.length === 0) throw new XmlSyntaxError(i, 'CDATA outside the root element');
      addText(text.slice(i + 9, end), i);
      advance(end + 3);
    } else if (text.startsWith('<!', i)) {
      throw new XmlSyntaxError(i, 'a DOCTYPE or other declaration is not supported in a label file');
    } else if (text.startsWith('<?', i)) {
      advance(need('?>', i + 2, 'a processing instruction') + 2);
    } else if (text.startsWith('</', i)) {
      const m = NAME.exec(text.slice(i + 2, i + 2 + 256));
      const close = text.indexOf('>', i);
      if (!m || close < 0 || text.slice(i + 2 + m[0].length, close).trim() !== '')
        throw new XmlSyntaxError(i, 'a malformed closing tag');
      const top = stack.pop();
      if (top === undefined) throw new XmlSyntaxError(i, 'a closing tag without a start tag');
      if (top.name !== m[0])
        throw new XmlSyntaxError(i, `a closing tag does not match the element opened on line ${top.line}`);
      advance(close + 1);
    } else {
      const m = NAME.exec(text.slice(i + 1, i + 1 + 256));
      if (!m) throw new XmlSyntaxError(i, '"<" must start a tag (write &lt; in text)');
      if (stack.length === 0 && root !== undefined) throw new XmlSyntaxError(i, 'a second root element');
      if (stack.length >= MAX_DEPTH) throw new XmlSyntaxError(i, `elements nest deeper than ${MAX_DEPTH}`);
      const startLine = line;
      let k = i + 1 + m[0].length;
      const attributes: Record<string, string> = {};
      for (;;) {
        const a = ATTRIBUTE.exec(text.slice(k, k + 4096));
        if (!a) break;
        if (Object.hasOwn(attributes, a[1]))
          throw new XmlSyntaxError(k, 'an attribute appears twice in one tag');
        attributes[a[1]] = decode(a[2] ?? a[3], k);
        k += a[0].length;
      }
      const rest = /^\s*(\/?)>/.exec(text.slice(k, k + 256));
      if (!rest) throw new XmlSyntaxError(k, 'a malformed start tag');
      const el: XmlElement = { name: m[0], attributes, children: [], text: '', line: startLine };
      const parent = stack.at(-1);
      if (parent !== undefined) parent.children.push(el);
      else root = el;
      if (rest[1] !== '/') stack.push(el);
      advance(k + rest[0].length);
    }
  }
  const open = stack.at(-1);
  if (open !== undefined)
    throw new XmlSyntaxError(text.length, `the element opened on line ${open.line} is not closed`);
  if (root === undefined) throw new XmlSyntaxError(0, 'no root element');
  return root;
}

/** Parses `text`; every failure comes back with its line, never as an exception. */
export function parseXml(text: string): XmlResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, root: parse(body) };
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { ok: false, line: lineAt(body, e.at), message: e.message };
    throw e;
  }
}
