import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { XarFileSpec } from './xar-writer.js';

/** The members of a small product archive like productbuild writes. */
export const DISTRIBUTION = `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
    <title>WIDGET_TITLE</title>
    <options customize="never" require-scripts="false" hostArchitectures="x86_64,arm64"/>
    <installation-check script="check()"/>
    <script><![CDATA[
function check() {
  if (system.compareVersions(system.version.ProductVersion, '11.0') < 0) {
    my.result.type = 'Fatal';
    my.result.message = system.localizedStringWithFormat('OS_TOO_OLD', '11.0');
    return false;
  }
  return true;
}
]]></script>
    <choices-outline>
        <line choice="default"><line choice="com.example.widget"/></line>
    </choices-outline>
    <choice id="default"/>
    <choice id="com.example.widget" visible="false"><pkg-ref id="com.example.widget"/></choice>
    <pkg-ref id="com.example.widget" onConclusion="none">#Widget%20Core.pkg</pkg-ref>
    <pkg-ref id="com.example.missing">#Missing.pkg</pkg-ref>
    <product id="com.example.widget.product" version="2.5"/>
</installer-gui-script>
`;

export const PACKAGE_INFO = `<?xml version="1.0" encoding="utf-8"?>
<pkg-info overwrite-permissions="true" relocatable="false" identifier="com.example.widget" postinstall-action="restart" version="2.5.1" format-version="2" generator-version="InstallCmds-830.2 (22G436)" install-location="/Applications" auth="root">
    <payload numberOfFiles="42" installKBytes="12345"/>
    <bundle path="./Widget.app" id="com.example.Widget" CFBundleShortVersionString="2.5.1" CFBundleVersion="251">
        <bundle path="./Contents/PlugIns/Helper.appex" id="com.example.Widget.Helper" CFBundleShortVersionString="2.5" CFBundleVersion="250"/>
    </bundle>
    <bundle-version>
        <bundle id="com.example.Widget"/>
    </bundle-version>
    <upgrade-bundle>
        <bundle id="com.example.Widget"/>
    </upgrade-bundle>
    <strict-identifier>
        <bundle id="com.example.Widget"/>
    </strict-identifier>
</pkg-info>
`;

export const ENGLISH_STRINGS = `/* Titles */
"WIDGET_TITLE" = "Widget";
// the refusal
"OS_TOO_OLD" = "Widget needs macOS %@ or later.";
"QUOTED" = "a \\"quoted\\" word\\nand a new line";
`;

export const FRENCH_STRINGS = `"WIDGET_TITLE" = "Gadget";
"OS_TOO_OLD" = "Gadget nécessite macOS %@ ou ultérieur.";
`;

export function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

export function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
}

export function productMembers(): XarFileSpec[] {
  return [
    { path: 'Distribution', content: DISTRIBUTION },
    { path: 'Resources/en.lproj/Localizable.strings', content: utf16le(ENGLISH_STRINGS) },
    { path: 'Resources/fr.lproj/Localizable.strings', content: FRENCH_STRINGS },
    { path: 'Resources/en.lproj/License.rtf', content: '{\\rtf1 license}' },
    { path: 'Widget Core.pkg/PackageInfo', content: PACKAGE_INFO },
    { path: 'Widget Core.pkg/Bom', content: Buffer.alloc(64, 1) },
    { path: 'Widget Core.pkg/Payload', content: Buffer.alloc(3000, 7), encoding: 'none' },
  ];
}

export function componentMembers(): XarFileSpec[] {
  return [
    { path: 'PackageInfo', content: PACKAGE_INFO },
    { path: 'Bom', content: Buffer.alloc(64, 1) },
    { path: 'Payload', content: Buffer.alloc(1000, 3), encoding: 'none' },
  ];
}

/** A temporary directory for one test file, removed by `cleanup`. */
export function tempDir(): { dir: string; write(name: string, bytes: Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-package-'));
  return {
    dir,
    write(name: string, bytes: Buffer): string {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
