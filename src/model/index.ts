export * from './ids.js';
export type * from './user.js';
export type * from './group.js';
export type * from './provenance.js';
export type * from './snapshot.js';
export type * from './aws.js';
export * from './aws-characters.js';
