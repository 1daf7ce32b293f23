export * from './township';
export * from './households';
export * from './review';
export * from './helpers';
export * from './crosscheck';
export * from './runtime';
export * from './imports';
