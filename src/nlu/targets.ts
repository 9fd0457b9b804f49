/** What the held-out evaluation must reach (the understanding issue's floor); a test enforces it. */
export const NLU_TARGETS = { dangerRecall: 0.97, falseAlarms: 0.03, topicAccuracy: 0.9 } as const;
