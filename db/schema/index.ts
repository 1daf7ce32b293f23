export * from './township';
export * from './households';
export * from './review';
export * from './runtime';
