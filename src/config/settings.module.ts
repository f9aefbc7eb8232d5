import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NetworkTargets } from './network-targets';
import { Settings, SETTINGS } from './settings';

/**
 * The validated settings, injectable as `@Inject(SETTINGS)` (typed) or through @nestjs/config's
 * `ConfigService` (`config.get('x.apiBaseUrl')`), and the networks' endpoints drawn from them
 * (`NetworkTargets`, which the collectors read).
 */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => settings] })],
      providers: [{ provide: SETTINGS, useValue: settings }, NetworkTargets],
      exports: [SETTINGS, NetworkTargets],
    };
  }
}
