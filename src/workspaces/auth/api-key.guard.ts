import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthFailureLimiter } from '../../http/rate-limit/auth-failure-limiter';
import { ApiKeysService, AuthContext } from '../api-keys.service';
import type { Role } from '../schemas/api-key.schema';
import { WorkspacesService } from '../workspaces.service';
import { ALLOWED_ROLES, INSTALLATION_ADMIN, PUBLIC_ROUTE, QUERY_TOKEN, SIGNED_LINK } from './auth.decorators';
import { LinkSigner } from './link-signer';
import { presentedApiKey } from './presented-key';

/**
 * `Authorization: Bearer <api key>` on every route that is not @Public() (or, on a @SignedLink()
 * GET without a key, a valid signed link); 401 without, 403 for the wrong role. Each 401 counts against the client's address: past AUTH_FAILURE_LIMIT_PER_MINUTE the
 * failures answer 429 with `Retry-After` instead.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly workspaces: WorkspacesService,
    private readonly failures: AuthFailureLimiter,
    private readonly links: LinkSigner,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: unknown }>();
    const res = context.switchToHttp().getResponse<Response>();
    const secret = presentedApiKey(req, this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets) === true);
    const signedFor = this.reflector.getAllAndOverride<string | undefined>(SIGNED_LINK, targets);
    let auth: AuthContext;
    if (!secret && signedFor && req.method === 'GET' && req.query?.sig !== undefined) {
      auth = await this.signedLink(signedFor, req, res);
    } else {
      if (!secret) {
        await this.failures.fail(req.ip, res);
        throw new UnauthorizedException('missing API key: send Authorization: Bearer <api key>');
      }
      const byKey = await this.apiKeys.authenticate(secret);
      if (!byKey) {
        await this.failures.fail(req.ip, res);
        throw new UnauthorizedException('invalid API key');
      }
      auth = byKey;
    }
    req.auth = auth;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(auth.role)) {
      throw new ForbiddenException(`this action needs the role ${roles.join(' or ')}; your key has the role ${auth.role}`);
    }
    if (this.reflector.getAllAndOverride<boolean>(INSTALLATION_ADMIN, targets)) {
      if (auth.role !== 'admin' || !(await this.workspaces.isDefault(auth.workspaceId))) {
        throw new ForbiddenException('this action needs an admin key of the installation (default workspace)');
      }
    }
    return true;
  }

  /**
   * A signed link for exactly this route's resource and this query, unexpired, whose key (or, for
   * a digest's link, whose workspace) still exists; it acts as that key in the link's workspace.
   */
  private async signedLink(resource: string, req: Request, res: Response): Promise<AuthContext> {
    const check = await this.links.verify(resource, req.query);
    // a string is why the link is refused
    const context = check.ok ? await this.apiKeys.linkContext(check.claims.issuer, check.claims.workspaceId) : check.message;
    if (typeof context === 'string') {
      await this.failures.fail(req.ip, res);
      throw new UnauthorizedException(context);
    }
    return context;
  }
}
