import { BadRequestException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { LinkSigner } from '../workspaces/auth/link-signer';
import { LINK_PARAMS } from '../workspaces/auth/signed-link';
import { EXPORT_NAMES, EXPORT_QUERIES, ExportName, exportPath } from './export-catalogue';

/** Parameters a signed link never carries in its own query: its credentials. */
const RESERVED = new Set<string>([...LINK_PARAMS, 'access_token']);

function messagesOf(errors: ValidationError[], prefix: string): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${e.property}: ${m}`),
    ...messagesOf(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

export interface ExportLink {
  /** Relative to the service: `/api/v1/exports/<name>.csv?…&ws=…&by=…&exp=…&sig=…`. */
  url: string;
  expiresAt: Date;
}

/**
 * Short-lived signed links to the CSV exports, so a browser, a digest email or a pasted link
 * opens one export without an API key in the URL. The query is validated as the export's GET
 * validates it, so a link that would answer 400 is never made.
 */
@Injectable()
export class ExportLinksService {
  constructor(private readonly signer: LinkSigner) {}

  /** A link to `name` with `query`, acting as `issuer` (an API key id, or "digest") in the workspace until `expiresAt`. */
  async create(workspaceId: string, issuer: string, name: string, query: Record<string, unknown>, expiresAt: Date): Promise<ExportLink> {
    if (!(EXPORT_NAMES as string[]).includes(name)) throw new BadRequestException(`export: must be one of ${EXPORT_NAMES.join(', ')}`);
    const text: Record<string, string> = {};
    const problems: string[] = [];
    for (const [k, v] of Object.entries(query)) {
      if (RESERVED.has(k)) problems.push(`query.${k}: a signed link carries its own credentials, not ${k}`);
      else if (typeof v === 'string') text[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') text[k] = String(v);
      else problems.push(`query.${k}: must be text, a number or true/false (one value)`);
    }
    if (!problems.length) {
      const dto = plainToInstance(EXPORT_QUERIES[name as ExportName], text);
      problems.push(...messagesOf(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }), 'query.'));
    }
    if (problems.length) throw new BadRequestException(problems);
    const params = await this.signer.sign({ workspaceId, issuer, resource: name, query: text, expiresAt });
    return {
      url: `${exportPath(name as ExportName)}?${params.toString()}`,
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
    };
  }
}
