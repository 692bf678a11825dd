import { distributionFromBytes } from '../../src/input/read-input.js';
import type { Distribution } from '../../src/distribution/model.js';
import { simulate } from '../../src/runner/simulate.js';
import type { ProfileResult } from '../../src/types.js';
import { profile } from '../helpers.js';

/** Intel, Apple silicon (M3 Pro, Rosetta installed). */
export const INTEL = 'macbookpro-15-mid2015-12.7.6';
export const ARM = 'macbookpro-14-m3pro-2023-14.8.3';

/**
 * One Distribution with one case per explanation: a choice decided by the
 * machine (isArm), a throwing function, a choice reading another choice, a
 * parent hiding its child, a package made inactive by script, and an
 * installation check decided by a path no profile lists.
 */
export function whyXml(hostArchitectures: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>Why</title>
  <options customize="allow" hostArchitectures="${hostArchitectures}"/>
  <script><![CDATA[
function isArm() { return system.sysctl('hw.machine') == 'arm64'; }
function boom() { throw new Error('kaboom'); }
function hasPlugin() { return system.files.fileExistsAtPath('/Library/Front Row/Plugin.bundle'); }
]]></script>
  <installation-check script="hasPlugin()"/>
  <choices-outline>
    <line choice="arm"/>
    <line choice="risky"/>
    <line choice="follower"/>
    <line choice="parent"><line choice="child"/></line>
    <line choice="base"/>
  </choices-outline>
  <choice id="arm" title="Arm" visible="isArm()"><pkg-ref id="a"/></choice>
  <choice id="risky" title="Risky" enabled="boom()"><pkg-ref id="r"/></choice>
  <choice id="follower" title="Follower" selected="choices.arm.visible"><pkg-ref id="f"/></choice>
  <choice id="parent" title="Parent" visible="false"/>
  <choice id="child" title="Child"><pkg-ref id="c"/></choice>
  <choice id="base" title="Base"><pkg-ref id="b"/></choice>
  <pkg-ref id="a" version="1">#a.pkg</pkg-ref>
  <pkg-ref id="r" version="1">#r.pkg</pkg-ref>
  <pkg-ref id="f" version="1">#f.pkg</pkg-ref>
  <pkg-ref id="c" version="1">#c.pkg</pkg-ref>
  <pkg-ref id="b" version="1" active="isArm()">#b.pkg</pkg-ref>
</installer-gui-script>
`;
}

export function parse(xml: string): Distribution {
  return distributionFromBytes(new TextEncoder().encode(xml), 'why.xml');
}

/** One profile simulated in process with tracing on. */
export async function traced(dist: Distribution, id: string, sets: string[] = []): Promise<ProfileResult> {
  const report = await simulate(dist, [profile(id, sets)], { workers: 0, trace: { maxEvents: 10_000 } });
  return report.results[0]!;
}
