// An HttpInstance for the Lark SDK built on fetch, so the same client runs on Node and
// in workerd, with a per-request timeout. It mimics what the SDK expects from its axios
// instance: resolve with the JSON body (or {data, headers} when $return_headers is set),
// reject non-2xx with an error carrying `response: {status, headers, data}`.
export interface HttpRequest {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  paramsSerializer?: unknown;
  timeout?: number;
  $return_headers?: boolean;
  responseType?: string;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly response?: { status: number; headers: Record<string, string>; data: unknown },
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function buildUrl(url: string, req: HttpRequest): string {
  if (!req.params) return url;
  const ser = req.paramsSerializer;
  let qs: string;
  if (typeof ser === 'function') qs = (ser as (p: unknown) => string)(req.params);
  else {
    const usp = new URLSearchParams();
    for (const [k, v] of Object.entries(req.params)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const x of v) usp.append(k, String(x));
      else usp.append(k, String(v));
    }
    qs = usp.toString();
  }
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

export function createFetchHttp({ timeoutMs = 10_000 } = {}) {
  async function request(req: HttpRequest): Promise<unknown> {
    const url = buildUrl(req.url ?? '', req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined && v !== null) headers.set(k, String(v));
    let body: BodyInit | undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    // the SDK hands GETs an empty `data` too (a download): fetch refuses a GET with a body
    if (req.data !== undefined && req.data !== null && method !== 'GET' && method !== 'HEAD') {
      if (typeof FormData !== 'undefined' && req.data instanceof FormData) {
        body = req.data;
        headers.delete('content-type'); // let fetch set the multipart boundary
      } else if (typeof req.data === 'string') body = req.data;
      else {
        body = JSON.stringify(req.data);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
      }
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(req.timeout ?? timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      const code = err.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ENETWORK';
      throw new HttpError(`${code}: ${err.message}`, undefined, code);
    }
    const respHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      respHeaders[k] = v;
    });
    if (req.responseType === 'stream' && res.status >= 200 && res.status < 300) {
      // A download (the SDK's messageResource.get): the body unread, for the caller to read
      // within its own size cap. The SDK checks `readable` before handing it out.
      const body = Object.assign(res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }), { readable: true });
      return req.$return_headers ? { data: body, headers: respHeaders } : body;
    }
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      /* keep text */
    }
    if (res.status < 200 || res.status >= 300) {
      throw new HttpError(`HTTP ${res.status}`, { status: res.status, headers: respHeaders, data });
    }
    return req.$return_headers ? { data, headers: respHeaders } : data;
  }
  const withMethod = (method: string) => (url: string, opts: HttpRequest = {}) => request({ ...opts, url, method });
  const withBody = (method: string) => (url: string, data?: unknown, opts: HttpRequest = {}) =>
    request({ ...opts, url, method, data });
  return {
    request,
    get: withMethod('GET'),
    delete: withMethod('DELETE'),
    head: withMethod('HEAD'),
    options: withMethod('OPTIONS'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
  };
}
