/** The language-independent concepts the lexicons map words to and the rules combine. */
export const CONCEPTS = ['PLACEHOLDER'] as const;
export type Concept = (typeof CONCEPTS)[number];
