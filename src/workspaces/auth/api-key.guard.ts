import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeysService } from '../api-keys.service';
import type { Role } from '../schemas/api-key.schema';
import { WorkspacesService } from '../workspaces.service';
import { ALLOWED_ROLES, INSTALLATION_ADMIN, PUBLIC_ROUTE, QUERY_TOKEN } from './auth.decorators';

/** `Authorization: Bearer <api key>` on every route that is not @Public(); 401 without, 403 for the wrong role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly workspaces: WorkspacesService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: unknown }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const queryToken =
      req.method === 'GET' && this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets) && typeof req.query?.access_token === 'string'
        ? req.query.access_token
        : undefined;
    const secret = match?.[1] ?? queryToken;
    if (!secret) throw new UnauthorizedException('missing API key: send Authorization: Bearer <api key>');
    const auth = await this.apiKeys.authenticate(secret);
    if (!auth) throw new UnauthorizedException('invalid API key');
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
