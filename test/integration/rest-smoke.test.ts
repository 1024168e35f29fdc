import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, getJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';

let db: TestDatabase;
let service: Service;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

describe('a question end to end', () => {
  it('is answered by the mock and counted', async () => {
    const id = await ask(service.url, 'What helps against a headache?');
    const final = await waitForFinal(service.url, id);
    expect(final.status).toBe('completed');
    expect(final.response).toContain('headache');
    const stats = await getJson(service.url, '/api/statistics');
    expect(stats.body.messagesSucceeded).toBe(1);
  });
});
