/** Messages between EmbeddedMongoServer (main thread) and the engine worker. */
export type ToEngineWorker = { type: 'stop' };

export type FromEngineWorker =
  | { type: 'ready'; uri: string; socketPath: string }
  | { type: 'failed'; error: string; code?: string }
  | { type: 'storage'; writable: boolean; reason?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; obj: object; msg?: string }
  | { type: 'stopped'; error?: string };
