import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Settings, SETTINGS } from './settings';

/**
 * The validated settings, injectable as `@Inject(SETTINGS)` (typed) or through @nestjs/config's
 * `ConfigService` (`config.get('x.apiBaseUrl')`).
 */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => settings] })],
      providers: [{ provide: SETTINGS, useValue: settings }],
      exports: [SETTINGS],
    };
  }
}
