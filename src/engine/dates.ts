/**
 * Dates a person reads. Content stores dates as ISO strings ("2026-11-23": sortable, checked
 * by the schemas); people in Viet Nam write day/month/year, and "2026-11-23" reads as a code,
 * so every date shown in a reply goes through here. Formatted from the string alone: the
 * engine never reads a clock or a time zone.
 */

/** "2026-11-23" → "23/11/2026" (English replies use it too); anything else is returned unchanged. */
export function displayDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}
