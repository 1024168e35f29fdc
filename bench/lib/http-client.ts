/** A lean keep-alive HTTP client for load generation (fetch costs more CPU per request). */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(
  url: string,
  options: { method?: string; body?: string } = {},
  retried = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent,
        headers: options.body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }
          : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as it was reused: the request never reached the
      // server, so it goes once more on a new socket (Node's documented remedy).
      if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(request(url, options, true));
      else reject(error);
    });
    req.end(options.body);
  });
}

export async function ask(base: string, question: string): Promise<string> {
  const { status, body } = await request(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ question }) });
  if (status !== 202) throw new Error(`POST /api/chat → ${status} ${body}`);
  return (JSON.parse(body) as { messageId: string }).messageId;
}

/** Runs `count` tasks with at most `concurrency` at a time. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  });
  await Promise.all(runners);
  return results;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
