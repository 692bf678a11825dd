import { build, type PlistValue } from 'plist';
import type { RunReport } from '../types.js';
import { singleResult, xmlText } from './choices-xml.js';

/**
 * `--format choice-changes`: the template `installer -showChoiceChangesXML`
 * prints (and the state `-showChoicesAfterApplyingChangesXML` prints), for
 * one Distribution on one profile: a flat array in outline order, for each
 * choice three dicts, visible and enabled as booleans and selected as an
 * integer, plus customLocation (a string with a leading `/`) where the choice
 * has one; no entry for the synthetic root. Keys are in alphabetical order.
 *
 * Fed back through `--choices`, it changes nothing: each setting equals what
 * the choice already reads (a mixed parent reads selected, and writes 1).
 */
export function renderChoiceChanges(report: RunReport): string {
  const { result } = singleResult(report, 'choice-changes');
  const items: PlistValue[] = [];
  for (const choice of result.choices) {
    const id = xmlText(choice.id);
    items.push(
      { attributeSetting: choice.visible, choiceAttribute: 'visible', choiceIdentifier: id },
      { attributeSetting: choice.enabled, choiceAttribute: 'enabled', choiceIdentifier: id },
      { attributeSetting: choice.selected ? 1 : 0, choiceAttribute: 'selected', choiceIdentifier: id },
    );
    if (choice.customLocation !== null) {
      const location = choice.customLocation.startsWith('/') ? choice.customLocation : `/${choice.customLocation}`;
      items.push({ attributeSetting: xmlText(location), choiceAttribute: 'customLocation', choiceIdentifier: id });
    }
  }
  return build(items, { indent: '\t' }) + '\n';
}
