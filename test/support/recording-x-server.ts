import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_CLOSED_REQUEST, XApiEmulator } from '../../src/demo/networks/x/x-api-emulator';
import { X_TEST_TOKEN } from './x-test-server';

/** One recent-search request as the X test server answered it. */
export interface XSearchRequest {
  /** the search query (`query`) */
  query: string;
  /** `since_id`, when the request had one */
  sinceId: string | null;
  /** `until_id`, when the request had one */
  untilId: string | null;
  /** `next_token` (search) or `pagination_token` (timelines): the previous page's `next_token`, when the request had one */
  paginationToken: string | null;
}

/**
 * The X test server of `x-test-server.ts` that also keeps a log of the recent-search requests it
 * answered (from the emulator's request log line), so a test can tell which pages a run read.
 * Requests whose client went away before the answer are not in it.
 */
export async function startRecordingXTestServer() {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  const searches: XSearchRequest[] = [];
  const server = new XApiEmulator({
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
    bearerToken: X_TEST_TOKEN,
    host: '127.0.0.1',
    logger: {
      debug: (entry: unknown) => {
        const { path, query, status } = entry as { path: string; query: string; status: number };
        // A request held back until after its client died (a killed service's) was never answered:
        // listing it whenever its hold ends would slip it among a later run's requests.
        if (path !== '/2/tweets/search/recent' || status === CLIENT_CLOSED_REQUEST) return;
        const params = new URLSearchParams(query);
        searches.push({
          query: params.get('query') ?? '',
          sinceId: params.get('since_id'),
          untilId: params.get('until_id'),
          paginationToken: params.get('next_token') ?? params.get('pagination_token'),
        });
      },
      info: () => undefined,
      warn: () => undefined,
    },
  });
  const address = await server.start();
  // twitter-api-v2 checks the certificate against "localhost", the fixture's name.
  return { server, baseUrl: address.baseUrl.replace('127.0.0.1', 'localhost'), searches };
}
