/**
 * Findings of content validation. Errors block start-up and content:check; warnings are
 * reported only (STYLE habit 6). Each names the file and, where it can, the node or key.
 */
import type { z } from 'zod';

/** One finding. @example { file: 'flows/main.yaml', where: "node 'menu'", message: "option 2: unknown node 'x.y'" } */
export interface Issue {
  file: string;
  where?: string;
  message: string;
}

/** "flows/main.yaml: node 'menu': option 2: unknown node 'x.y'" */
export function formatIssue(i: Issue): string {
  return i.where ? `${i.file}: ${i.where}: ${i.message}` : `${i.file}: ${i.message}`;
}

/** Thrown by loadFlowSet when content has errors; the message lists every one. */
export class ContentError extends Error {
  constructor(public readonly issues: Issue[]) {
    super(`content has ${issues.length} error(s):\n` + issues.map((i) => '  ' + formatIssue(i)).join('\n'));
    this.name = 'ContentError';
  }
}

/** Turn zod issues into ours, naming a node by its id where the path points into `nodes`. */
export function zodIssues(file: string, err: z.ZodError, data: unknown): Issue[] {
  return err.issues.map((zi) => {
    const path = zi.path.map(String);
    let where: string | undefined;
    const arr = path[0] === 'nodes' || path[0] === 'entries' ? (data as Record<string, unknown[]>)?.[path[0]] : undefined;
    const item = arr?.[Number(path[1])] as { id?: unknown } | undefined;
    if (item && typeof item.id === 'string') {
      where = `${path[0] === 'nodes' ? 'node' : 'entry'} '${item.id}'`;
      path.splice(0, 2);
    }
    const at = path.length ? `${path.join('.')}: ` : '';
    return where ? { file, where, message: at + zi.message } : { file, message: at + zi.message };
  });
}
