import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { choicesCommand } from '../../src/cli/choices-command.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { InputError } from '../../src/errors.js';
import { choiceGraph, renderDot, renderMermaid } from '../../src/explain/choice-graph.js';
import { CORPUS } from '../helpers.js';
import { choicesFixture } from './choices-support.js';

const graphOf = (name: string) => choiceGraph(parseDistribution(readFileSync(choicesFixture(name), 'utf8'), name));
const edges = (g: ReturnType<typeof choiceGraph>) => g.edges.map((e) => `${e.from}.${e.property} -> ${e.to}.${e.attribute}${e.via ? ` via ${e.via}` : ''}`);

describe('choices --graph', () => {
  it('finds direct reads, my.choice and reads inside functions the attribute calls', () => {
    assert.deepEqual(edges(graphOf('dependent.xml')), [
      'base.selected -> addon.enabled',
      'base.selected -> addon.selected',
      'addon.selected -> addon.selected via my.choice',
      'base.selected -> plugin.selected via keepClick()',
      'plugin.selected -> plugin.selected via my.choice in keepClick()',
    ]);
    // packageUpgradeAction is not state a click changes: munki's graph has no edge.
    assert.deepEqual(edges(graphOf('munki.xml')), []);
  });

  it('prints Mermaid and DOT', () => {
    const g = graphOf('dependent.xml');
    assert.equal(
      renderMermaid(g),
      [
        'flowchart LR',
        '  c0["base: Base"]',
        '  c1["addon: Add-on"]',
        '  c2["plugin: Plug-in"]',
        '  c3["forced: Forced"]',
        '  c0 -->|"selected → enabled"| c1',
        '  c0 -->|"selected → selected"| c1',
        '  c1 -->|"selected → selected (my.choice)"| c1',
        '  c0 -->|"selected → selected (keepClick())"| c2',
        '  c2 -->|"selected → selected (my.choice in keepClick())"| c2',
        '',
      ].join('\n'),
    );
    const dot = renderDot(graphOf('outline.xml'));
    assert.ok(dot.startsWith('digraph choices {\n  rankdir=LR;\n  node [shape=box];\n  c0 [label="suite: Suite"];\n'));
    assert.ok(dot.includes('  c0 -> c1 [style=dotted, arrowhead=none];\n'));
    assert.ok(dot.endsWith('}\n'));
  });

  it("draws rust's install/uninstall exclusion from the corpus", (t) => {
    const file = path.join(CORPUS, 'rust-lang__rust__src_etc_installer_pkg_Distribution.xml');
    if (!existsSync(file)) return t.skip('no corpus');
    const g = choiceGraph(parseDistribution(readFileSync(file, 'utf8'), 'rust.xml'));
    const list = edges(g);
    assert.ok(list.includes('uninstall.selected -> install.selected'));
    assert.ok(list.includes('install.selected -> uninstall.selected'));
    assert.ok(list.includes('rust-docs.selected -> uninstall.selected'), "choices['rust-docs'] is read");
    assert.ok(list.includes('rustc.selected -> rustc.selected'));
  });

  it('escapes labels: quotes, markup and line breaks cannot break out', () => {
    const xml = `<installer-gui-script><title>T</title><choices-outline><line choice="a&quot;]--&gt;x"/><line choice="b"/></choices-outline>
      <choice id="a&quot;]--&gt;x" title="A &lt;b&gt; &amp;&#10;c\\"/><choice id="b" selected="choices['a&quot;]--&gt;x'].selected"/></installer-gui-script>`;
    const g = choiceGraph(parseDistribution(xml, 'x.xml'));
    assert.deepEqual(edges(g), ['a"]-->x.selected -> b.selected']);
    const mermaid = renderMermaid(g);
    assert.ok(mermaid.includes('c0["a#34;#93;--#62;x: A #60;b#62; #38; c#92;"]'), mermaid);
    const dot = renderDot(g);
    assert.ok(dot.includes('c0 [label="a\\"]-->x: A <b> & c\\\\"];'), dot);
  });

  it('bounds the walk over hostile call graphs', () => {
    const n = 3000;
    const fns = Array.from(
      { length: n },
      (_, i) => `function f${i}() { return ${Array.from({ length: 20 }, (_, k) => `f${(i + k + 1) % n}()`).join(' || ')} || choices.c.selected; }`,
    ).join('\n');
    const choices = Array.from({ length: 400 }, (_, i) => `<choice id="c${i}" selected="f${i}()"/>`).join('');
    const lines = Array.from({ length: 400 }, (_, i) => `<line choice="c${i}"/>`).join('');
    const xml = `<installer-gui-script><title>T</title><script><![CDATA[${fns}]]></script><choices-outline><line choice="c"/>${lines}</choices-outline><choice id="c"/>${choices}</installer-gui-script>`;
    const started = performance.now();
    assert.throws(
      () => choiceGraph(parseDistribution(xml, 'h.xml')),
      (e: unknown) => e instanceof InputError && e.code === 'CHOICE_GRAPH_TOO_COMPLEX',
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('the command prints the graph, and asks for --graph', () => {
    let out = '';
    assert.equal(
      choicesCommand({ file: choicesFixture('dependent.xml'), graph: true, format: 'dot', recover: false }, (t) => (out += t)),
      0,
    );
    assert.ok(out.startsWith('digraph choices {'));
    assert.throws(
      () => choicesCommand({ file: choicesFixture('dependent.xml'), graph: false, format: 'mermaid', recover: false }),
      (e: unknown) => e instanceof InputError && e.code === 'FLAG_MISSING',
    );
  });
});
