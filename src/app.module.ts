import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AlertsModule } from './alerts/alerts.module';
import { CareModule } from './care/care.module';
import { CollectorsModule } from './collectors/collectors.module';
import { OutboundModule } from './common/outbound/outbound.module';
import { LeadsModule } from './leads/leads.module';
import { MentionsModule } from './mentions/mentions.module';
import { ReportFreshnessModule } from './report-freshness/report-freshness.module';
import { ReportsModule } from './reports/reports.module';
import { SurveysModule } from './surveys/surveys.module';
import { TrafficModule } from './traffic/traffic.module';
import { TopicsModule } from './topics/topics.module';
import { ThemesModule } from './themes/themes.module';
import { CompetitorsModule } from './competitors/competitors.module';
import { Settings } from './config/settings';
import { SettingsModule } from './config/settings.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DigestsModule } from './digests/digests.module';
import { ExportsModule } from './exports/exports.module';
import { ForecastModule } from './forecast/forecast.module';
import { HealthModule } from './health/health.module';
import { ErrorsFilter } from './http/errors.filter';
import { OperatorRejectionMiddleware } from './http/operator-rejection.middleware';
import { redactUrlSecrets, SECRET_QUERY_PARAMS } from './http/url-secrets';
import { JobsModule } from './jobs/jobs.module';
import { WorkspacesModule } from './workspaces/workspaces.module';
import { MetaWebhooksModule } from './webhooks/meta/meta-webhooks.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(settings: Settings): DynamicModule {
    const pretty = process.stdout.isTTY && settings.logLevel !== 'silent';
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggerModule.forRoot({
          pinoHttp: {
            level: settings.logLevel,
            // Secrets never reach the log: API keys, bearer tokens, cookies.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                ...SECRET_QUERY_PARAMS.map((p) => `req.query.${p}`),
                'req.headers["x-signature"]',
              ],
              censor: '***',
            },
            serializers: {
              // The URL keeps its query string in logs, except a key passed as ?access_token= (or ?key=, …).
              req: (req: { url?: string; [k: string]: unknown }) => ({ ...req, url: req.url && redactUrlSecrets(req.url) }),
            },
            autoLogging: { ignore: (req) => req.url === '/health' },
            transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss' } } : undefined,
          },
        }),
        DatabaseModule.forRoot(),
        ScheduleModule.forRoot(),
        JobsModule,
        ReportFreshnessModule,
        OutboundModule,
        WorkspacesModule,
        HealthModule,
        TopicsModule,
        MentionsModule,
        CollectorsModule,
        CareModule,
        MetaWebhooksModule,
        LeadsModule,
        TrafficModule,
        SurveysModule,
        ReportsModule,
        ThemesModule,
        CompetitorsModule,
        ForecastModule,
        ExportsModule,
        AlertsModule,
        DigestsModule,
        DemoModule,
        DashboardModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorsFilter }],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(OperatorRejectionMiddleware).forRoutes('*path');
  }
}
