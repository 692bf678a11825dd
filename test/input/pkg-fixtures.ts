import { PACKAGE_INFO, utf16le } from '../package/fixtures.js';
import type { XarFileSpec } from '../package/xar-writer.js';

/**
 * A product archive whose Distribution reads every visible text from the
 * package's string tables: the title, choice titles, an installation-check
 * message with format arguments, and a log line only English has.
 */
export const LOCALIZED_DISTRIBUTION = `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
    <title>WIDGET_TITLE</title>
    <options customize="allow" hostArchitectures="x86_64,arm64"/>
    <installation-check script="check()"/>
    <script><![CDATA[
function check() {
  system.log(system.localizedString('HELLO'));
  system.log(String(system.localizedString('NOWHERE')));
  my.result.type = 'Fatal';
  my.result.title = system.localizedString('WIDGET_TITLE');
  my.result.message = system.localizedStringWithFormat('ERR', 'x');
  return false;
}
]]></script>
    <choices-outline>
        <line choice="default"><line choice="com.example.widget"/></line>
    </choices-outline>
    <choice id="default" title="DEFAULT_TITLE"/>
    <choice id="com.example.widget" title="CORE_TITLE" description="CORE_DESCRIPTION"><pkg-ref id="com.example.widget"/></choice>
    <pkg-ref id="com.example.widget" version="2.5.1" installKBytes="12345" onConclusion="none">#Widget%20Core.pkg</pkg-ref>
    <product id="com.example.widget.product" version="2.5"/>
</installer-gui-script>
`;

/** The same product with pkg-refs that state no version or size: the PackageInfo supplies them. */
export const BARE_REFS_DISTRIBUTION = LOCALIZED_DISTRIBUTION.replace(' version="2.5.1" installKBytes="12345"', '');

export const EN_STRINGS = `/* English, stored as UTF-16 with a BOM as Xcode writes it */
"WIDGET_TITLE" = "Widget";
"ERR" = "Widget cannot be installed on %@ (%1$@, 100%%).";
"CORE_TITLE" = "Widget Core";
"HELLO" = "Hello";
`;

export const FR_STRINGS = `"WIDGET_TITLE" = "Gadget";
"ERR" = "Impossible d'installer Widget sur %@.";
"CORE_TITLE" = "Cœur";
`;

export function localizedMembers(distribution = LOCALIZED_DISTRIBUTION): XarFileSpec[] {
  return [
    { path: 'Distribution', content: distribution },
    { path: 'Resources/en.lproj/Localizable.strings', content: utf16le(EN_STRINGS) },
    { path: 'Resources/fr.lproj/Localizable.strings', content: FR_STRINGS },
    { path: 'Resources/en.lproj/License.rtf', content: '{\\rtf1 license}' },
    { path: 'Widget Core.pkg/PackageInfo', content: PACKAGE_INFO },
    { path: 'Widget Core.pkg/Bom', content: Buffer.alloc(64, 1) },
    { path: 'Widget Core.pkg/Payload', content: Buffer.alloc(3000, 7), encoding: 'none' },
  ];
}

/** Profiles of the tests: one Apple silicon Mac on macOS 14, whose languages the tests set. */
export const MAC = 'macbookpro-14-m3pro-2023-14.8.3';
