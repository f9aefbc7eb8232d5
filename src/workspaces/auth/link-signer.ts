import { Inject, Injectable } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import { WorkspacesService } from '../workspaces.service';
import { LinkCheck, LinkClaims, signLink, verifyLink } from './signed-link';

/** HKDF's info for the link key derived from the key of secrets at rest; a new version voids every link. */
export const LINK_KEY_PURPOSE = 'ouvidor/signed-links/v1';

/**
 * Signs and checks signed links (`signed-link.ts`) with the installation's link key:
 * `EXPORT_LINK_SECRET` when set, else a key derived from the key of secrets at rest
 * (`SECRETS_KEY`, or the key file generated in the data directory at the first start). The key
 * is never logged, stored or returned.
 */
@Injectable()
export class LinkSigner {
  private key: Promise<Buffer> | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly workspaces: WorkspacesService,
  ) {}

  private signingKey(): Promise<Buffer> {
    const secret = this.settings.exportLinks.secret;
    this.key ??= secret ? Promise.resolve(Buffer.from(secret, 'utf8')) : this.workspaces.derivedKey(LINK_KEY_PURPOSE);
    return this.key;
  }

  /** The link's query string (its own parameters, then `ws`, `by`, `exp`, `sig`). */
  async sign(claims: LinkClaims): Promise<URLSearchParams> {
    return signLink(await this.signingKey(), claims);
  }

  async verify(resource: string, query: Record<string, unknown>, now = new Date()): Promise<LinkCheck> {
    return verifyLink(await this.signingKey(), resource, query, now);
  }
}
