import { describe, expect, it } from 'vitest';
import { ask, getJson, waitForFinal } from '../helpers/http.js';
import { useServiceForFile } from '../helpers/service.js';

const file = useServiceForFile();

describe('a question end to end', () => {
  it('is answered by the mock and counted', async () => {
    const id = await ask(file.service.url, 'What helps against a headache?');
    const final = await waitForFinal(file.service.url, id);
    expect(final.status).toBe('completed');
    expect(final.response).toContain('headache');
    const stats = await getJson(file.service.url, '/api/statistics');
    expect(stats.body.messagesSucceeded).toBe(1);
  });
});
