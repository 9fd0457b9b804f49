/** Inserts guarded by a unique index: the index decides who was first (correct on MongoDB and on
 * the embedded database alike), and the loser is told so instead of seeing an error. */

/** True for MongoDB's duplicate key error (code 11000): a unique index refused a write. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/** Run an insert; false when a unique index refused it (someone else's insert landed first). */
export async function inserted(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
