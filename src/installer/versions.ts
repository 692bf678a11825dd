/**
 * `system.compareVersions` and the allowed-os-versions ranges: dotted
 * versions compared component by component, numerically ('10.10' > '10.9').
 *
 * Undocumented by Apple (docs/installer-behaviour.md §6), so policies:
 * - a missing component counts as 0 ('1' == '1.0'), or with
 *   `shorter-is-less` the shorter version is less when all else is equal;
 * - a component with a non-numeric tail ('0b2') compares by its leading
 *   number, then a component without a tail is greater (release > beta),
 *   then the tails compare in natural order ('b2' < 'b10').
 */
export type MissingComponentPolicy = 'zero' | 'shorter-is-less';

export function compareVersions(a: string, b: string, missing: MissingComponentPolicy = 'zero'): -1 | 0 | 1 {
  const pa = a.trim().split('.');
  const pb = b.trim().split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const ca = pa[i];
    const cb = pb[i];
    if (ca === undefined || cb === undefined) {
      if (missing === 'shorter-is-less') return ca === undefined ? -1 : 1;
    }
    const c = compareComponent(ca ?? '0', cb ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

const NATURAL = new Intl.Collator('en', { numeric: true });

function compareComponent(a: string, b: string): -1 | 0 | 1 {
  const ma = /^(\d*)(.*)$/s.exec(a)!;
  const mb = /^(\d*)(.*)$/s.exec(b)!;
  const na = ma[1] === '' ? 0 : Number(ma[1]);
  const nb = mb[1] === '' ? 0 : Number(mb[1]);
  if (na !== nb) return na < nb ? -1 : 1;
  const ta = ma[2]!;
  const tb = mb[2]!;
  if (ta === tb) return 0;
  if (ta === '') return 1;
  if (tb === '') return -1;
  const c = NATURAL.compare(ta, tb);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/** True when a version has a component that is not a plain number. */
export function hasNonNumericComponent(v: string): boolean {
  return v
    .trim()
    .split('.')
    .some((c) => !/^\d+$/.test(c));
}
