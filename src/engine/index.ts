/**
 * The engine's public surface (pure: no I/O, no clock, no randomness). Other areas import
 * the engine only through this file.
 */
export * from './types';
export * from './schema';
export { NODES, REFERENCE_LANG, ENGINE_TEXT_KEYS, COMMAND_PAYLOADS } from './flowset';
export type { FlowSet, CompiledNode } from './flowset';
export { step, enter, initialState, optionsAt } from './step';
export { text, emergencyReply, fill } from './text';
export { matchCommand, matchOption } from './match';
export type { Command } from './match';
export { fold, foldLoose } from './normalize';
export { MAX_TEXT } from './services';
export { PAGE_SIZE, pickerOptionCount } from './picker';
export * from './danger';
export * from './provinces';
export * from './directory';
export * from './nlu';
export { seeded } from './seeded';
