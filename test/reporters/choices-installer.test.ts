import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderInstaller } from '../../src/reporters/installer.js';
import { choiceReport, INTEL, M1_NO_ROSETTA } from '../simulate/choices-support.js';

const dist = (
  body: string,
  options = 'hostArchitectures="x86_64,arm64"',
) => `<installer-gui-script minSpecVersion="2"><title>Finch</title><options ${options}/>${body}
  <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p.a"/></choice><pkg-ref id="p.a" version="1.0">#a.pkg</pkg-ref></installer-gui-script>`;

describe('--format installer', () => {
  it('prints the success lines of a fresh install', async () => {
    assert.equal(
      renderInstaller(await choiceReport('outline.xml')),
      'installer: Package name is Outline Suite\ninstaller: Installing at base path /\ninstaller: The install was successful.\n',
    );
  });

  it('names an applied change file, and says Upgrading when a package that installs has a receipt', async () => {
    const report = await choiceReport('munki.xml', { sets: ['volumes[0].receipts.com.googlecode.munki.core=6.2.0.4500'] });
    assert.equal(
      renderInstaller(report, { choicesFile: 'choices.plist' }),
      "installer: Package name is Munki - Software Management for macOS\ninstaller: choices changes file 'choices.plist' applied\ninstaller: Upgrading at base path /\ninstaller: The upgrade was successful.\n",
    );
  });

  it('prints the Rosetta refusal with the title on Apple silicon without Rosetta', async () => {
    const report = await choiceReport(dist('', 'hostArchitectures="x86_64"'), { profile: M1_NO_ROSETTA });
    assert.equal(
      renderInstaller(report),
      'installer: This package requires Rosetta 2 to be installed.\n' +
        '                Please install Rosetta 2 and then try again.\n' +
        '                    `sudo softwareupdate --install-rosetta`\n' +
        '\n' +
        'installer: Error - Finch can\u2019t be installed on this computer.\n',
    );
  });

  it('refuses an architecture hostArchitectures does not list', async () => {
    const report = await choiceReport(dist('', 'hostArchitectures="arm64"'), { profile: INTEL });
    assert.equal(renderInstaller(report), 'installer: Error - Finch can\u2019t be installed on this computer.\n');
  });

  it('prints Error - <message> for a failed installation-check, the generic line without a message', async () => {
    const check = (script: string) => dist(`<script><![CDATA[function check() { ${script} }]]></script><installation-check script="check()"/>`);
    const withMessage = await choiceReport(check("my.result.type = 'Fatal'; my.result.message = 'Requires macOS 15.'; return false;"));
    assert.equal(renderInstaller(withMessage), 'installer: Error - Requires macOS 15.\n');
    const bare = await choiceReport(check("my.result.type = 'Fatal'; return false;"));
    assert.equal(renderInstaller(bare), 'installer: Error - Finch can\u2019t be installed on this computer.\n');
    // A Warn result does not stop the command line here.
    const warn = await choiceReport(check("my.result.type = 'Warn'; my.result.message = 'Careful'; return false;"));
    assert.match(renderInstaller(warn), /^installer: Package name is Finch\n/);
  });

  it('prints the disabled volume and its message when the volume-check refuses /', async () => {
    const report = await choiceReport(
      dist(`<volume-check script="my.result.type = 'Fatal'; my.result.message = 'The version of macOS is too new.'; false;"/>`),
    );
    assert.equal(renderInstaller(report), 'installer: Cannot install on volume / because it is disabled.\ninstaller: The version of macOS is too new.\n');
    const domains = await choiceReport(dist('<domains enable_anywhere="false" enable_localSystem="false" enable_currentUserHome="true"/>'));
    assert.equal(renderInstaller(domains), 'installer: Cannot install on volume / because it is disabled.\n');
  });

  it('shows control characters from the Distribution escaped', async () => {
    const report = await choiceReport(
      dist(`<installation-check script="my.result.type = 'Fatal'; my.result.message = 'a\\u001b[2Jb\\ninstaller: The install was successful.'; false;"/>`),
    );
    assert.equal(renderInstaller(report), 'installer: Error - a\\x1b[2Jb\\ninstaller: The install was successful.\n');
  });
});
