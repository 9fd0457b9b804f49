/**
 * What the held-out evaluation must reach (the understanding issue's floor); a test enforces it.
 * "Reached" is the help the person asked for: its page straight away, or offered by the one
 * short clarifying question they get (one tap). The share sent straight to the right page is
 * printed beside it.
 */
export const NLU_TARGETS = { dangerRecall: 0.97, falseAlarms: 0.03, topicReached: 0.9 } as const;
