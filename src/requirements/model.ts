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

export type GraphicsKind = 'gl-renderer' | 'cl-device' | 'metal-device';
export type RequirementKind = GraphicsKind | 'sysctl-requirements';

/** Element name for each graphics kind. */
export const GRAPHICS_ELEMENTS: Readonly<Record<GraphicsKind, string>> = {
  'gl-renderer': 'required-gl-renderer',
  'cl-device': 'required-cl-device',
  'metal-device': 'required-metal-device',
};

/** A predicate as it sits in the file: decoded text and how its offsets map back. */
export interface PredicateSource {
  /** The element's decoded text content (CDATA and entities resolved); whitespace kept. */
  text: string;
  /** Where `text` starts in the file. */
  position: Position;
  /**
   * Flattened triples [textOffset, line, column]: where each linear run of
   * `text` starts in the file (the scheme of `Evaluable.segments`, so the
   * parser's MappedText fills it the same way). Empty: offsets are counted
   * from `position`.
   */
  segments: number[];
}

export interface GraphicsRequirement {
  kind: GraphicsKind;
  predicate: PredicateSource;
  /** The `<required-…>` element. */
  position: Position;
}

/** One `<required-graphics>` element. */
export interface RequiredGraphics {
  position: Position;
  description?: string;
  /** `single-device="true"` (productbuild's `single-graphics-device`). */
  singleDevice: boolean;
  /** The `<required-gl-renderer>`, `<required-cl-device>`, `<required-metal-device>` children, in document order. */
  requirements: GraphicsRequirement[];
}

export interface SysctlRequirement {
  predicate: PredicateSource;
  /** The `<sysctl-requirements>` element. */
  position: Position;
}

/** One `<hardware-properties>` element. */
export interface HardwareProperties {
  position: Position;
  sysctlRequirements: SysctlRequirement[];
}

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
