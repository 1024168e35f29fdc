export * from './limits.js';
export * from './rest.js';
export * from './socket-events.js';
export * from './status.js';
export * from './triage/index.js';
