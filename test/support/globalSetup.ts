/** Runs once before all tests: builds the embedded database launcher (cached by its sources). */
import { ensureDevDbBinary } from '../../src/db/devdb';

export default async function globalSetup(): Promise<void> {
  await ensureDevDbBinary();
}
