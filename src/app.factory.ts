import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadSettings, Settings } from './config/settings';

/** Global behaviour shared by `main.ts` and the end-to-end tests, so both run the same app. */
export function configureApp(app: INestApplication): void {
  app.enableShutdownHooks();
  // Security headers on every response (no X-Powered-By). The default policy fits the API and
  // /docs (scripts and styles from this origin); the dashboard sends its own stricter one
  // (DASHBOARD_CSP). No upgrade-insecure-requests: an installation reached over plain HTTP on its
  // network would otherwise lose the /docs page's scripts.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      stopAtFirstError: false,
    }),
  );
  const docs = new DocumentBuilder()
    .setTitle('Ouvidor API')
    .setDescription('Social listening, engagement, leads, deflection and customer-care KPIs. Send `Authorization: Bearer <api key>`.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, docs), { jsonDocumentUrl: 'docs/json' });
}

export async function createApp(settings: Settings = loadSettings()): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(settings), { bufferLogs: true, rawBody: true });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '5mb' });
  // Behind a reverse proxy, the failed-login limit must see the client's address (TRUST_PROXY).
  app.set('trust proxy', settings.trustProxy);
  configureApp(app);
  return app;
}
