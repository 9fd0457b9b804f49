/**
 * The understanding corpus and its settings as data (content/nlu/): zod schemas are the
 * source of the types (STYLE habit 5).
 */
import { z } from 'zod';

/** Intent ids: lower-case words joined by "_" (the topic ids of DESIGN.md are intents). */
export const IntentIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'intent id: lower-case letters, digits, _');

/** content/nlu/<lang>/<intent>.yaml: labelled examples of one intent in one language. */
export const NluFileSchema = z.object({
  intent: IntentIdSchema,
  examples: z.array(z.string().min(1).max(600)).min(1),
});
export type NluFile = z.infer<typeof NluFileSchema>;

/** Who is in danger: the person, a child, someone they see, or themselves. */
export const DANGER_KINDS = ['self', 'child', 'other', 'selfharm'] as const;
export type DangerKind = (typeof DANGER_KINDS)[number];

/**
 * content/nlu/config.yaml: which intents mean danger (and of which kind), which mean no
 * topic, and the thresholds `npm run nlu:eval` chose by cross-validation.
 */
export const NluConfigSchema = z.object({
  version: z.literal(1),
  /** Intent → the danger kind it stands for. */
  dangerIntents: z.record(IntentIdSchema, z.enum(DANGER_KINDS)),
  /** Intents that are understood but lead to no topic page (greetings, everyday talk). */
  noTopic: z.array(IntentIdSchema),
  /** The greeting intent: goes to the main menu, not counted as "not understood". */
  greeting: IntentIdSchema,
  thresholds: z.object({
    /** The model alone raises danger at or above this danger score (the lexicon always can). */
    danger: z.number().min(0).max(1),
    /** A strong lexicon rule (weapon, threat, cry for help, suicide) raises danger from this model score up. */
    strong: z.number().min(0).max(1),
    /** A contextual lexicon rule ("bị đánh" with no time cue) raises danger from this model score up. */
    contextual: z.number().min(0).max(1),
    /** A topic at or above this confidence is where the person goes. */
    direct: z.number().min(0).max(1),
    /** Between this and `direct`: a clarifying question with the likeliest topics. */
    clarify: z.number().min(0).max(1),
  }),
  /** Date and figures of the cross-validation that chose the thresholds (for the README and reviewers). */
  chosenBy: z.string().optional(),
});
export type NluConfig = z.infer<typeof NluConfigSchema>;

/** Examples per language and intent, as loaded (lang → files). */
export type NluCorpus = Record<string, NluFile[]>;
