import { authHeaders, ApiError } from '../api/client';

/**
 * POSTs a zip with XMLHttpRequest, the one browser API that reports upload progress (fetch does not).
 * Resolves with the parsed JSON of a 2xx answer; rejects with ApiError (server) or Error (network, abort).
 */
export function sendZip(url: string, file: Blob, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', 'application/zip');
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const message = typeof (body as { error?: unknown })?.error === 'string' ? (body as { error: string }).error : `${xhr.status} ${xhr.statusText}`;
      reject(new ApiError(xhr.status, message, Number(xhr.getResponseHeader('retry-after')) || undefined));
    };
    xhr.onerror = () => reject(new Error('the connection to the registry broke off during the upload'));
    xhr.onabort = () => reject(new Error('the upload was cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
