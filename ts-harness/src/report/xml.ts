/** A tiny XML writer: elements with attributes, text, children; escaping for attributes and text. */

export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: XmlElement[];
  text?: string;
}

/** Characters XML 1.0 does not allow (control characters other than tab, LF, CR) become U+FFFD. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

export function escapeText(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

export function renderXml(el: XmlElement, indent = ''): string {
  const attrs = Object.entries(el.attrs ?? {})
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  const children = el.children ?? [];
  if (children.length === 0 && (el.text === undefined || el.text === '')) return `${indent}<${el.name}${attrs}/>`;
  if (children.length === 0) return `${indent}<${el.name}${attrs}>${escapeText(el.text ?? '')}</${el.name}>`;
  const inner = children.map((c) => renderXml(c, indent + '  ')).join('\n');
  return `${indent}<${el.name}${attrs}>\n${inner}\n${indent}</${el.name}>`;
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(root)}\n`;
}
