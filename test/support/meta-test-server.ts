import {
  META_EMULATOR_APP_SECRET,
  META_EMULATOR_TOKEN,
  MetaGraphEmulator,
  type MetaGraphEmulatorOptions,
} from '../../src/demo/networks/meta/meta-graph-emulator';

export { MetaGraphEmulator as MetaTestServer } from '../../src/demo/networks/meta/meta-graph-emulator';
export type { MetaFault, MetaGraphRequest as MetaTestRequest } from '../../src/demo/networks/meta/meta-graph-emulator';

export const META_TEST_TOKEN = META_EMULATOR_TOKEN;
export const META_TEST_APP_SECRET = META_EMULATOR_APP_SECRET;

/**
 * A local server that answers like Meta's Graph API (the emulator), over plain HTTP on 127.0.0.1
 * as META_GRAPH_URL allows for tests. `meta` is the settings block that points the app at it.
 */
export async function startMetaTestServer(options: Omit<MetaGraphEmulatorOptions, 'tls'> = {}): Promise<{
  server: MetaGraphEmulator;
  graphUrl: string;
  meta: { accessToken: string; appSecret: string; graphUrl: string };
}> {
  const server = new MetaGraphEmulator(options);
  const { graphUrl } = await server.start();
  return {
    server,
    graphUrl,
    meta: { accessToken: options.accessToken ?? META_TEST_TOKEN, appSecret: options.appSecret ?? META_TEST_APP_SECRET, graphUrl },
  };
}
