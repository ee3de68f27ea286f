import { authHeaders, ApiError } from '../api/client';

/**
 * Sends a request body with XMLHttpRequest, the one browser API that reports upload progress (fetch does not).
 * Resolves with the parsed JSON of a 2xx answer; rejects with ApiError (server) or Error (network, abort).
 */
export function sendBody(
  method: string,
  url: string,
  body: Blob | ArrayBuffer,
  headers: Record<string, string>,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries({ ...authHeaders(), ...headers })) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed);
      const message = typeof (parsed as { error?: unknown })?.error === 'string' ? (parsed as { error: string }).error : `${xhr.status} ${xhr.statusText}`;
      reject(new ApiError(xhr.status, message, Number(xhr.getResponseHeader('retry-after')) || undefined));
    };
    xhr.onerror = () => reject(new Error('the connection to the registry broke off during the upload'));
    xhr.onabort = () => reject(new Error('the upload was cancelled'));
    if (signal?.aborted) return reject(new Error('the upload was cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}
