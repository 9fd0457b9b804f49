/**
 * A typed expected outcome (STYLE habit 7a): success with its fields, or a failure code a route
 * maps to an HTTP status. The one declaration; each area names its codes:
 * `Result<{ caseId: string }, 'not_found' | 'conflict'>`. `F`: extra fields of a failure.
 */
export type Result<T extends object = object, C extends string = string, F extends object = object> =
  | ({ ok: true } & T)
  | ({ ok: false; code: C } & F);
