import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profile, simulateOne } from '../helpers.js';

const XML = `<installer-gui-script minSpecVersion="2"><title>TITLE</title>
<localization><strings language="English"><![CDATA["TITLE" = "Widget"; "APP" = "The app";]]></strings>
<strings language="French"><![CDATA["TITLE" = "Gadget"; "APP" = "L'application";]]></strings></localization>
<choices-outline><line choice="app"/></choices-outline><choice id="app" title="APP"/></installer-gui-script>`;

describe("titles follow the Mac's language", () => {
  it("choice titles and the Rosetta refusal use the profile's preferred language, English otherwise", async () => {
    const fr = await simulateOne(XML, profile('macbookair-m1-2020-11.7.10', ['languages=["fr"]']));
    assert.equal(fr.choices[0]!.title, "L'application");
    assert.match(fr.blockers.find((b) => b.code === 'ARCH_ROSETTA_MISSING')!.message, /Gadget can't be installed/);
    const en = await simulateOne(XML, profile('macbookair-m1-2020-11.7.10', ['languages=["de"]']));
    assert.equal(en.choices[0]!.title, 'The app');
    assert.match(en.blockers.find((b) => b.code === 'ARCH_ROSETTA_MISSING')!.message, /Widget can't be installed/);
  });
});
