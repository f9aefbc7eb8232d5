import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthContext } from '../api-keys.service';
import type { Role } from '../schemas/api-key.schema';

export const PUBLIC_ROUTE = 'ouvidor:public';
export const ALLOWED_ROLES = 'ouvidor:roles';
export const INSTALLATION_ADMIN = 'ouvidor:installation-admin';
export const QUERY_TOKEN = 'ouvidor:query-token';
export const SIGNED_LINK = 'ouvidor:signed-link';

/** No API key needed (health, docs, the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only keys with one of these roles; without the decorator every role may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/**
 * The key may also come as `?access_token=` (GET only), so an API user's CSV export works as a
 * plain link. Discouraged (the key then sits in browser history and proxies' logs; a signed link,
 * `SignedLink`, does not) and kept for compatibility. Nowhere else (the streams too take it in
 * the Authorization header only; the dashboard reads them with fetch).
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

/**
 * Without a key, a GET may present a signed link for `resource` (`signed-link.ts`): valid only
 * for that resource, that query and its workspace, until it expires.
 */
export const SignedLink = (resource: string) => SetMetadata(SIGNED_LINK, resource);

/** Only an admin key of the installation's default workspace (creates workspaces). */
export const InstallationAdmin = () => SetMetadata(INSTALLATION_ADMIN, true);

export type AuthenticatedRequest = { auth: AuthContext };

/** The caller's workspace, role and key; every service call is scoped by its `workspaceId`. */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
});
