import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthFailureLimiter } from '../../http/rate-limit/auth-failure-limiter';
import { ApiKeysService } from '../api-keys.service';
import type { Role } from '../schemas/api-key.schema';
import { WorkspacesService } from '../workspaces.service';
import { ALLOWED_ROLES, INSTALLATION_ADMIN, PUBLIC_ROUTE, QUERY_TOKEN } from './auth.decorators';
import { presentedApiKey } from './presented-key';

/**
 * `Authorization: Bearer <api key>` on every route that is not @Public(); 401 without, 403 for the
 * wrong role. Each 401 counts against the client's address: past AUTH_FAILURE_LIMIT_PER_MINUTE the
 * failures answer 429 with `Retry-After` instead.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly workspaces: WorkspacesService,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: unknown }>();
    const res = context.switchToHttp().getResponse<Response>();
    const secret = presentedApiKey(req, this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets) === true);
    if (!secret) {
      await this.failures.fail(req.ip, res);
      throw new UnauthorizedException('missing API key: send Authorization: Bearer <api key>');
    }
    const auth = await this.apiKeys.authenticate(secret);
    if (!auth) {
      await this.failures.fail(req.ip, res);
      throw new UnauthorizedException('invalid API key');
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
}
