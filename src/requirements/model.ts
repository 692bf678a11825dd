/**
 * The declarative requirements of a Distribution's `<installation-check>`,
 * as plain data the parser fills and the evaluators read:
 *
 * ```xml
 * <installation-check>
 *   <required-graphics description="…" single-device="true">
 *     <required-gl-renderer><![CDATA[version >= 3.2]]></required-gl-renderer>
 *     <required-cl-device><![CDATA[version >= 1.2]]></required-cl-device>
 *     <required-metal-device><![CDATA[argumentBuffersTier == 1]]></required-metal-device>
 *   </required-graphics>
 *   <hardware-properties>
 *     <sysctl-requirements><![CDATA[hw.optional.avx2_0 == 1]]></sysctl-requirements>
 *   </hardware-properties>
 * </installation-check>
 * ```
 */
import type { Position } from '../distribution/model.js';
import { codeOffsetToSource } from '../distribution/positions.js';

export type { GraphicsKind, PredicateSource, GraphicsRequirement, RequiredGraphics, SysctlRequirement, HardwareProperties } from '../distribution/model.js';
import type { GraphicsKind, PredicateSource } from '../distribution/model.js';

export type RequirementKind = GraphicsKind | 'sysctl-requirements';

/** Element name for each graphics kind. */
export const GRAPHICS_ELEMENTS: Readonly<Record<GraphicsKind, string>> = {
  'gl-renderer': 'required-gl-renderer',
  'cl-device': 'required-cl-device',
  'metal-device': 'required-metal-device',
};

/** A predicate that does not parse: the check fails, and this says where. */
export interface SyntaxProblem {
  /** 0-based offset into the predicate text. */
  offset: number;
  message: string;
  /** Where that offset is in the file. */
  position: Position;
}

/** A predicate source from bare text (tests, the requirements plist): offsets count from line 1, column 1. */
export function predicateFromText(text: string, position: Position = { line: 1, column: 1 }): PredicateSource {
  return { text, position, segments: [] };
}

/** Maps an offset inside a predicate (a PredicateSyntaxError's `offset`, a clause span) to its file position. */
export function predicatePosition(source: PredicateSource, offset: number): Position {
  const segments = source.segments.length > 0 ? source.segments : [0, source.position.line, source.position.column];
  return codeOffsetToSource({ id: -1, source: '', code: source.text, position: source.position, segments }, offset);
}
