import { BeforeApplicationShutdown, DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { Settings, SETTINGS } from '../config/settings';
import { DATABASE_TARGET, DatabaseTarget, takeDatabaseTarget } from './database-target';

/**
 * Operators in user input never reach a query: the HTTP edge refuses `$`-keys and DTOs turn every
 * input into a typed value. (Mongoose's global `sanitizeFilter` would also neuter our own
 * `$gte`/`$in` filters unless each were wrapped in `trusted()`, so it stays off.)
 */
mongoose.set('strictQuery', true);

/**
 * The Mongoose connection closes before the embedded engine stops: a driver that closes after its
 * server is gone waits out server selection (30 s) to end its sessions.
 */
class DatabaseTargetLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_TARGET) private readonly target: DatabaseTarget,
    private readonly moduleRef: ModuleRef,
  ) {}

  async beforeApplicationShutdown() {
    let connection: Connection | undefined;
    try {
      connection = this.moduleRef.get<Connection>(getConnectionToken(), { strict: false });
    } catch {
      return; // no connection was made
    }
    await connection.close();
  }

  async onApplicationShutdown() {
    await this.target.stop();
  }
}

/** Starts the embedded engine when `MONGODB_URI` is unset; otherwise only names the real server. */
@Module({
  providers: [
    {
      provide: DATABASE_TARGET,
      inject: [SETTINGS],
      useFactory: (settings: Settings) => takeDatabaseTarget(settings),
    },
    DatabaseTargetLifecycle,
  ],
  exports: [DATABASE_TARGET],
})
export class DatabaseTargetModule {}

@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        DatabaseTargetModule,
        MongooseModule.forRootAsync({
          imports: [DatabaseTargetModule],
          inject: [DATABASE_TARGET],
          useFactory: (target: DatabaseTarget) => ({
            uri: target.uri,
            dbName: target.kind === 'embedded' ? 'ouvidor' : undefined,
            autoIndex: true,
            serverSelectionTimeoutMS: 10_000,
          }),
        }),
      ],
      exports: [DatabaseTargetModule],
    };
  }
}
