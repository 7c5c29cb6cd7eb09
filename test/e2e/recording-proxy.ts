/**
 * A loopback HTTP proxy in front of the real registry that only records what passes (method and
 * path), so a test can show that a push uploaded no blob. It changes nothing it forwards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const [host, port] = upstream.split(':');
  const requests: RecordingProxy['requests'] = [];
  const server = http.createServer((req, res) => {
    const forward = http.request(
      {
        host,
        port: Number(port),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (up) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', status: up.statusCode ?? 0 });
        const headers = { ...up.headers };
        // Upload locations point at the upstream; send them back through the proxy.
        if (typeof headers.location === 'string')
          headers.location = headers.location.replace(`http://${upstream}`, '');
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    forward.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
