import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { child, descendants, parseXmlTree, type XmlTreeOptions } from '../../src/package/xml-tree.js';

const OPTIONS: XmlTreeOptions = { what: 'doc', code: 'BAD', tooLargeCode: 'BIG', maxDepth: 32, maxElements: 100_000 };

function fails(text: string, code = 'BAD', options: Partial<XmlTreeOptions> = {}): void {
  assert.throws(
    () => parseXmlTree(text, { ...OPTIONS, ...options }),
    (e: unknown) => e instanceof InputError && e.code === code && !e.message.includes('\n'),
    text.slice(0, 60),
  );
}

function timed(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('xml-tree: the reader for XML inside packages', () => {
  it('reads elements, attributes, text, CDATA and the predefined entities', () => {
    const root = parseXmlTree(
      `<?xml version="1.0"?>\n<!-- c --><a x='1' y="&lt;&#65;&#x42;&quot;"><b>t&amp;u<![CDATA[<raw & text>]]></b><ns:c/>tail</a>\n`,
      OPTIONS,
    );
    assert.equal(root.name, 'a');
    assert.deepEqual(
      [...root.attributes],
      [
        ['x', '1'],
        ['y', '<AB"'],
      ],
    );
    assert.equal(child(root, 'b')!.text, 't&u<raw & text>');
    assert.equal(child(root, 'c')!.name, 'ns:c');
    assert.equal(root.text, 'tail');
    assert.deepEqual(descendants(root, 'b').length, 1);
    const proto = parseXmlTree('<a __proto__="x" constructor="y"/>', OPTIONS);
    assert.equal(proto.attributes.get('__proto__'), 'x');
  });

  it('refuses what a hostile document could use', () => {
    fails('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>');
    fails('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>');
    fails('<a>&e;</a>');
    fails('<a>AT&T</a>');
    fails('<a>&#0;</a>');
    fails('<a>&#xD800;</a>');
    fails('<a x="<"/>');
    fails('<a x="1"y="2"/>');
    fails('<a x="1" x="2"/>');
    fails('<a><b></a></b>');
    fails('<a>');
    fails('<a/><b/>');
    fails('text<a/>');
    fails('');
    fails('<a><!-- open');
    fails('<a><![CDATA[ open');
    fails(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, 'BIG');
    fails(`<r>${'<x/>'.repeat(101)}</r>`, 'BIG', { maxElements: 100 });
    fails(`<r ${Array.from({ length: 257 }, (_, k) => `a${k}="1"`).join(' ')}/>`, 'BIG');
  });

  it('allows an external DOCTYPE only when asked, never an internal subset', () => {
    const plist = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist/>';
    fails(plist);
    assert.equal(parseXmlTree(plist, { ...OPTIONS, allowExternalDoctype: true }).name, 'plist');
    fails('<!DOCTYPE plist [<!ENTITY x "y">]><plist/>', 'BAD', { allowExternalDoctype: true });
  });

  it('stays linear on pathological input', () => {
    const megabytes = 4 * 1024 * 1024;
    let n = 0;
    const cases = [
      `<a ${'b="c" '.repeat(megabytes / 6).replace(/b=/g, () => `b${(n++).toString(36)}=`)}/>`,
      `<r>${'<x/>'.repeat(megabytes / 4)}</r>`,
      `<a>${'&amp;'.repeat(megabytes / 5)}</a>`,
      `<a>${'&'.repeat(megabytes)}</a>`,
      `<a x="${'&'.repeat(megabytes)}"/>`,
      '<a>'.repeat(megabytes / 3),
      `<a>${'<!--x-->'.repeat(megabytes / 8)}</a>`,
      `<a>${'<'.repeat(megabytes)}`,
      `<a ${'x'.repeat(megabytes)}`,
    ];
    for (const text of cases) {
      const ms = timed(() => {
        try {
          parseXmlTree(text, { ...OPTIONS, maxElements: 10_000_000 });
        } catch (error) {
          assert.ok(error instanceof InputError);
        }
      });
      assert.ok(ms < 5000, `${text.slice(0, 30)}… took ${ms} ms`);
    }
  });
});
