import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthContext } from '../api-keys.service';
import type { Role } from '../schemas/api-key.schema';

export const PUBLIC_ROUTE = 'ouvidor:public';
export const ALLOWED_ROLES = 'ouvidor:roles';
export const INSTALLATION_ADMIN = 'ouvidor:installation-admin';
export const QUERY_TOKEN = 'ouvidor:query-token';

/** No API key needed (health, docs, the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only keys with one of these roles; without the decorator every role may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/**
 * The key may also come as `?access_token=` (GET only), so a CSV export works as a plain link.
 * Nowhere else (the streams too take it in the Authorization header only; the dashboard reads
 * them with fetch), so keys stay out of URLs and logs.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

/** Only an admin key of the installation's default workspace (creates workspaces). */
export const InstallationAdmin = () => SetMetadata(INSTALLATION_ADMIN, true);

export type AuthenticatedRequest = { auth: AuthContext };

/** The caller's workspace, role and key; every service call is scoped by its `workspaceId`. */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
});
