import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import { Settings, SETTINGS } from '../config/settings';
import { DATABASE_TARGET, DatabaseTarget, openDatabaseTarget } from './database-target';

/**
 * Operators in user input never reach a query: the HTTP edge refuses `$`-keys and DTOs turn every
 * input into a typed value. (Mongoose's global `sanitizeFilter` would also neuter our own
 * `$gte`/`$in` filters unless each were wrapped in `trusted()`, so it stays off.)
 */
mongoose.set('strictQuery', true);

class DatabaseTargetLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_TARGET) private readonly target: DatabaseTarget) {}
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
      useFactory: (settings: Settings) => openDatabaseTarget(settings),
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
