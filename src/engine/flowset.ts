/**
 * The FlowSet: everything the engine runs on, loaded and validated once at start-up by
 * src/flowset (the only place that reads files). Node ids are global: "<flow>.<node>".
 */
import type { FlowNode, FlowOption, LegalEntry } from './schema';
import type { DangerLexicon } from './danger';
import type { Province } from './provinces';
import type { DirectoryEntry } from './directory';
import type { Nlu } from './nlu/build';

/** A node with its global id and its references resolved to global ids. */
export interface CompiledNode extends Omit<FlowNode, 'id' | 'next' | 'options'> {
  id: string;
  flow: string;
  next?: string;
  options?: Array<FlowOption & { next?: string }>;
}


/** Everything the engine needs; built by `loadFlowSet` (src/flowset) or by tests. */
export interface FlowSet {
  nodes: Record<string, CompiledNode>;
  /** lang → key → text. `vi` is the reference language and the fallback. */
  texts: Record<string, Record<string, string>>;
  languages: string[];
  legal: Record<string, LegalEntry>;
  /** Topic id → the node that carries it (`topic:` in flows/): where an understood intent leads. */
  topics: Record<string, string>;
  danger: DangerLexicon;
  /** The understanding model (topics, danger kinds), built at start-up from content/nlu/. */
  nlu: Nlu;
  provinces: Province[];
  directory: DirectoryEntry[];
}

/** Well-known node ids the engine and callers rely on. */
export const NODES = {
  /** The main menu: root of the back stack. */
  mainMenu: 'main.menu',
  /** Welcome + privacy notice, shown on first contact. */
  privacy: 'main.privacy',
  /** The language picker (`/lang`). */
  language: 'main.language',
  /** Shown after the emergency reply in status 'bot': offer a counsellor. */
  dangerOffer: 'danger.offer',
  /** Start of the counsellor path (consent). */
  counsellor: 'counsellor.start',
  /** Find help near me: province picker. */
  findHelp: 'find_help.start',
  /** Services for vars.province (used when a province is typed anywhere). */
  services: 'find_help.services',
  /** Did this help? (the caller enters it when a counsellor closes a case). */
  feedback: 'feedback.start',
  /** "Erase my data": what is erased, that it cannot be undone; Yes / No. */
  eraseConfirm: 'erase.start',
  /** Out-of-hours safe contact time question (the caller enters it). */
  safeTime: 'counsellor.safe_time',
} as const;

/** The reference language: every key must exist in it, every other language falls back to it. */
export const REFERENCE_LANG = 'vi';

/** Text keys the engine itself uses (validated to exist like the keys flows reference). */
export const ENGINE_TEXT_KEYS = [
  'emergency', 'emergency.hotline', 'emergency.child', 'emergency.other', 'emergency.selfharm',
  'nlu.clarify', 'nlu.not_understood', 'nlu.child_111', 'topic.counsellor',
  'exit.telegram', 'exit.zalo', 'exit.messenger', 'exit.webchat', 'erase.done',
  'cmd.reprompt', 'cmd.help', 'cmd.media', 'cmd.media_counsellor', 'cmd.restart',
  'cmd.language_changed', 'cmd.handoff_cancelled', 'cmd.loop_error',
  'opt.main_menu', 'opt.back', 'opt.prev_page', 'opt.skip', 'opt.more', 'opt.cancel', 'lang.name',
  'services.header', 'services.none', 'services.commune', 'services.national', 'services.hotline', 'services.national_places',
  'services.no_province', 'province.former_name', 'legal.source',
  'counsellor.closed', 'counsellor.nobody', 'live.opens_today', 'live.opens_tomorrow', 'live.opens_on', 'live.opens_unknown',
] as const;

/** Payloads that act as global commands when they arrive as a button tap. */
export const COMMAND_PAYLOADS = ['menu', 'back', 'exit', 'lang', 'help', 'cancel', 'erase'] as const;
