/**
 * The held-out files (content/nlu/heldout/<lang>.yaml): messages written before tuning by
 * someone who never saw the training files. Scored by `npm run nlu:eval`; never trained on.
 */
import { z } from 'zod';
import { DANGER_KINDS, IntentIdSchema } from '../engine';

const HeldoutItemSchema = z.object({
  text: z.string().min(1),
  /** Present when the message is danger: whose. */
  danger: z.enum(DANGER_KINDS).optional(),
  /** For messages without danger: the topic the person needs, or null for none. */
  topic: IntentIdSchema.nullable().optional(),
  /** Other topics that would also be a right place. */
  accept: z.array(IntentIdSchema).default([]),
});
export type HeldoutItem = z.infer<typeof HeldoutItemSchema>;

/** One held-out file. */
export const HeldoutFileSchema = z.object({ lang: z.string().min(2), items: z.array(HeldoutItemSchema).min(1) });
export type HeldoutFile = z.infer<typeof HeldoutFileSchema>;
