/**
 * The embedded MongoDB-compatible engine: started by the database module when MONGODB_URI is
 * unset, reached by Mongoose over the wire protocol like any mongod.
 */
export { EmbeddedMongoServer, EngineStartError } from './server/embedded-mongo-server';
export type { EmbeddedMongoLogger, EmbeddedMongoOptions, EngineAddress, EngineStorageStatus } from './server/embedded-mongo-server';
