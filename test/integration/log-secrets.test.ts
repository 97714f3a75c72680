import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, startTestServer, TEST_TOKEN, type TestServer } from '../support/http-server.js';
import { waitFor } from '../support/test-env.js';
import { rawExchange } from '../support/raw-http.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('secrets never reach the log, even at trace level (issue 8, observation 8)', () => {
  it('redacts query strings of logged URLs, and never logs the raw packet of a request that does not parse', async () => {
    const s = (server = await startTestServer({ listen: true }));
    const leaks = ['QUERYSECRET1', 'QUERYSECRET2', 'QUERYSECRET3', 'QUERYSECRET4', 'CALLBACKSIGN5'];
    // A client that puts its token in the query string, on a route, an unknown route and the callback.
    expect((await fetch(`${s.url}/v1/status?token=QUERYSECRET1`, { headers: AUTH })).status).toBe(200);
    expect((await fetch(`${s.url}/v1/nothing-here?api_key=QUERYSECRET2`, { headers: AUTH })).status).toBe(404);
    expect((await fetch(`${s.url}/v1/status?QUERYSECRET3`)).status).toBe(401);
    await fetch(`${s.url}/v1/callbacks/tencent?SdkAppid=1&access_token=QUERYSECRET4&Sign=CALLBACKSIGN5&RequestTime=1`, {
      method: 'POST',
      body: '{}',
    });
    // A request the HTTP parser refuses (a header line without a colon), carrying credentials.
    const packet = `GET /v1/callbacks/tencent?Sign=CALLBACKSIGN5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nthis line is not a header\r\n\r\n`;
    const answer = await rawExchange(s.url, (socket) => socket.write(packet));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await waitFor('the client error logged', () => s.logs().includes('client error'), 5000, 20);
    const logs = s.logs();
    for (const secret of [...leaks, TEST_TOKEN]) expect(logs, secret).not.toContain(secret);
    // The bytes of the packet, as pino writes a Buffer, would hold them too.
    expect(logs).not.toContain('rawPacket');
    // What is left still says what happened.
    expect(logs).toContain('/v1/status?[redacted]');
    expect(logs).toContain('SdkAppid=1&[redacted]&[redacted]&RequestTime=1');
  });
});
