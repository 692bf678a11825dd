import type { ChoiceDef, OutlineNode, PkgRefDef } from './model.js';
import { quote, type StaticDiagnostics } from './static-diagnostics.js';

interface References {
  path: string;
  outline: OutlineNode[];
  choices: ReadonlyMap<string, ChoiceDef>;
  pkgRefs: ReadonlyMap<string, PkgRefDef>;
}

/** Choices named in a PKG_REF_UNDEFINED message before "and N more". */
const NAMED_CHOICES = 3;

/**
 * Findings about how the outline, the choices and the pkg-refs refer to each
 * other. They are facts of the file, the same on every Mac, so they are
 * reported here once instead of once per simulated profile.
 */
export function checkCrossReferences(refs: References, sink: StaticDiagnostics): void {
  const listed = new Set<string>();
  /** pkg-ref id → the outline choices that reference it, in outline order. */
  const usedBy = new Map<string, string[]>();
  // Recursive, but the outline nests at most MAX_DEPTH levels (checked before the tree is built).
  const walk = (nodes: OutlineNode[]) => {
    for (const node of nodes) {
      listed.add(node.choice);
      const choice = refs.choices.get(node.choice);
      if (!choice) {
        const shown = quote(node.choice);
        sink.report(
          'OUTLINE_UNKNOWN_CHOICE',
          () => `the choices-outline names choice '${shown}', which is not defined; the line is skipped`,
          () => ({
            location: { file: refs.path, ...node.position },
            args: { choice: shown },
          }),
        );
      } else {
        for (const id of choice.pkgRefs) {
          const list = usedBy.get(id);
          if (list) list.push(node.choice);
          else usedBy.set(id, [node.choice]);
        }
      }
      walk(node.children);
    }
  };
  walk(refs.outline);

  for (const choice of refs.choices.values()) {
    if (listed.has(choice.id)) continue;
    const shown = quote(choice.id);
    sink.report(
      'CHOICE_NOT_IN_OUTLINE',
      () => `choice '${shown}' is not in the choices-outline; it is ignored`,
      () => ({
        location: { file: refs.path, ...choice.position },
        args: { choice: shown },
      }),
    );
  }

  for (const [id, choiceIds] of usedBy) {
    const ref = refs.pkgRefs.get(id);
    if (ref?.path) continue;
    const names =
      choiceIds.slice(0, NAMED_CHOICES).map(quote).join(', ') + (choiceIds.length > NAMED_CHOICES ? ` and ${choiceIds.length - NAMED_CHOICES} more` : '');
    const shown = quote(id);
    sink.report(
      'PKG_REF_UNDEFINED',
      () => `pkg-ref '${shown}' (used by ${names}) has no definition with a package path`,
      () => ({
        ...(ref && { location: { file: refs.path, ...ref.position } }),
        args: { pkgRef: shown },
      }),
    );
  }
}
