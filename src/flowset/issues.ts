/**
 * Findings of content validation. Errors block start-up and content:check; warnings are
 * reported only (STYLE habit 6). Each names the file and, where it can, the node or key.
 */

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
