/** The framework the pages name in their title. */
export const FRAMEWORK = 'NestJS';
