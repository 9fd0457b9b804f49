/**
 * zod schemas of the content files the engine runs on (STYLE habit 5): they are the source
 * of the TS types. Per-type requirements (a menu needs options…) are cross-checked in
 * flowset/validate.ts so that errors can name the file and node precisely.
 */
import { z } from 'zod';

/** Node types the engine knows. */
export const NODE_TYPES = [
  'message', 'menu', 'ask', 'handoff', 'wait', 'line', 'goto', 'end', 'exit', 'erase',
  'services', 'legal', 'province_picker', 'language',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** Stable ASCII payloads: Telegram callback data allows 64 bytes. */
export const PayloadSchema = z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'payload must be 1-64 ASCII letters, digits, _ : . -');

/** A choice offered by a menu or ask node. `next` is a node id (local, or "flow.node"). */
export const OptionSchema = z.object({
  label: z.string().min(1),
  payload: PayloadSchema,
  next: z.string().optional(),
  /** Value stored by an ask node (defaults to the payload). */
  value: z.string().optional(),
});
export type FlowOption = z.infer<typeof OptionSchema>;

/**
 * One node of a flow.
 * @example { id: 'menu', type: 'menu', text: 'main.menu', options: [{ label: 'main.opt.help', payload: 'help_near', next: 'find_help.start' }] }
 */
export const NodeSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'node id: lower-case letters, digits, _'),
  type: z.enum(NODE_TYPES),
  text: z.string().optional(),
  next: z.string().optional(),
  options: z.array(OptionSchema).optional(),
  /** ask / province_picker: variable to store the answer in. */
  var: z.string().optional(),
  /** ask: 'choice' (options only) or 'text' (free text stored). */
  input: z.enum(['choice', 'text']).optional(),
  skippable: z.boolean().optional(),
  /** ask / province_picker: event emitted with the stored value. */
  event: z.enum(['answer', 'safe_time', 'feedback', 'none']).optional(),
  /** legal: id of the legal entry to show. */
  entry: z.string().optional(),
  /** A topic event emitted when the node is entered (case metadata). */
  topic: z.string().optional(),
  /**
   * line / handoff: where to go when no counsellor can take the chat now (out of hours, or
   * nobody online); the truth is said first, then this node offers what the person can do.
   */
  unavailable: z.string().optional(),
  /** The caller may `enter` this node directly (e.g. feedback, safe time). */
  entryPoint: z.boolean().optional(),
});
export type FlowNode = z.infer<typeof NodeSchema>;

/** One file under flows/. The flow id is the file name. */
export const FlowFileSchema = z.object({
  version: z.literal(1),
  nodes: z.array(NodeSchema).min(1),
});
export type FlowFile = z.infer<typeof FlowFileSchema>;

/** One file under content/texts/<lang>/: key → text (nested maps are flattened with "."). */
export const TextFileSchema = z.record(z.string(), z.unknown());

const LocalisedSchema = z.object({ vi: z.string().min(1), en: z.string().optional() }).catchall(z.string());

/**
 * A legal entry: text (a text key, or inline per language), its source (law + article) and
 * the date it was last checked against the official text.
 */
export const LegalEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  text: z.union([z.string().min(1), LocalisedSchema]),
  source: z.union([z.string().min(3), LocalisedSchema]),
  lastChecked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'lastChecked must be YYYY-MM-DD'),
});
export type LegalEntry = z.infer<typeof LegalEntrySchema>;

/** One file under content/legal/. */
export const LegalFileSchema = z.object({ version: z.literal(1), entries: z.array(LegalEntrySchema).min(1) });
