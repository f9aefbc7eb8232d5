/**
 * X API v2 error payloads, shaped as the real API sends them:
 * - 400 "Invalid Request": `{ errors: [{ parameters: { name: [value] }, message }], title, detail, type }`
 * - 401, 429, 5xx: an RFC 7807 problem `{ title, detail, type: "about:blank", status }`
 * - missing resources on a 200: `errors: [{ value, detail, title: "Not Found Error", resource_type, parameter,
 *   resource_id, type }]` beside whatever `data` was found.
 */

export const PROBLEM_TYPES = {
  invalidRequest: 'https://api.twitter.com/2/problems/invalid-request',
  resourceNotFound: 'https://api.twitter.com/2/problems/resource-not-found',
  usageCapped: 'https://api.twitter.com/2/problems/usage-capped',
} as const;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface InlineError {
  value: string;
  detail: string;
  title: string;
  resource_type: 'tweet' | 'user';
  parameter: string;
  resource_id: string;
  type: string;
}

export class XApiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly contentType: string = JSON_CONTENT_TYPE,
  ) {
    super(`${status} ${typeof body.title === 'string' ? body.title : ''}`);
    this.name = 'XApiHttpError';
  }
}

export interface ParameterProblem {
  parameter: string;
  value: string | string[];
  message: string;
}

export function invalidRequest(...problems: ParameterProblem[]): XApiHttpError {
  return new XApiHttpError(400, {
    errors: problems.map((problem) => ({
      parameters: { [problem.parameter]: Array.isArray(problem.value) ? problem.value : [problem.value] },
      message: problem.message,
    })),
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: PROBLEM_TYPES.invalidRequest,
  });
}

const STATUS_TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail?: string): XApiHttpError {
  const title = STATUS_TITLES[status] ?? 'Error';
  return new XApiHttpError(status, { title, detail: detail ?? title, type: 'about:blank', status }, PROBLEM_CONTENT_TYPE);
}

export function usageCapExceeded(): XApiHttpError {
  return new XApiHttpError(429, {
    title: 'UsageCapExceeded',
    period: 'Monthly',
    scope: 'Product',
    detail: 'Usage cap exceeded: Monthly product cap',
    type: PROBLEM_TYPES.usageCapped,
  });
}

export function resourceNotFound(resourceType: 'tweet' | 'user', parameter: string, value: string): InlineError {
  return {
    value,
    detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: PROBLEM_TYPES.resourceNotFound,
  };
}
