import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The error body every API error has (libs/http ErrorResponseDto). */
export interface ApiErrorBody {
  statusCode: number;
  /** The error code, e.g. 'unauthorized', 'csrf_failed', 'validation_failed' */
  error?: string;
  message: string;
  details?: { field: string; messages: string[] }[];
}

/** An answer of the API other than 2xx, with its message and field details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** The CSRF token of the current session: sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !SAFE_METHODS.has(request.method.toUpperCase())) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

/** The typed API client: same origin, the session cookie goes with every request. */
export const api = createClient<paths>({ baseUrl: '/', credentials: 'include' });
api.use(csrf);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer, or an ApiError (never a silent undefined). */
export async function unwrap<T>(call: Promise<FetchResult<unknown>>): Promise<T> {
  let result: FetchResult<unknown>;
  try {
    result = await call;
  } catch (e) {
    throw new ApiError(0, {
      statusCode: 0,
      message: e instanceof Error ? e.message : String(e),
      error: 'network',
    });
  }
  const { response } = result;
  if (!response.ok) {
    const body = toErrorBody(response.status, result.error);
    const retry = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, body, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return result.data as T;
}

function toErrorBody(status: number, error: unknown): ApiErrorBody {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as Partial<ApiErrorBody> & { message: unknown };
    return {
      ...e,
      statusCode: e.statusCode ?? status,
      message: Array.isArray(e.message) ? e.message.join('; ') : String(e.message),
    } as ApiErrorBody;
  }
  return { statusCode: status, message: typeof error === 'string' && error ? error : `HTTP ${status}` };
}
