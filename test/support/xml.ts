/**
 * A small, strict XML reader for the tests: elements, attributes and text,
 * the five predefined entities and numeric references. It throws on
 * anything malformed (an unclosed or mismatched tag, a stray `<` or `&`),
 * so a report that parses here is well-formed.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text) || text.includes('<')) throw new Error(`unescaped markup in ${JSON.stringify(text)}`);
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_m, e: string) => (e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16))
    : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]));
}

/** Parses a document; returns its root element. */
export function parseXml(xml: string): XmlElement {
  const source = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < source.length && (m = token.exec(source)) !== null) {
    at = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error('text outside the root element');
        continue;
      }
      stack[stack.length - 1].text += decode(text);
    } else if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
    } else {
      const attributes: Record<string, string> = {};
      for (const a of attrs.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) attributes[a[1]] = decode(a[2]);
      const element: XmlElement = { name, attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) throw new Error('a second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (at !== source.length) throw new Error(`malformed XML at ${JSON.stringify(source.slice(at, at + 40))}`);
  if (stack.length > 0 || !root) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root;
}
