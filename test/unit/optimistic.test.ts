import { ConcurrencyExhaustedError, RETRY, retryOnConflict } from '../../shared/domain/optimistic';

describe('retryOnConflict', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 25 };

  it('returns the first result that is not a conflict, backing off between attempts within the bounds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryOnConflict('test', policy, async (attempt) => (++calls < 4 ? RETRY : `done after ${attempt}`), async (ms) => {
      delays.push(ms);
    });
    expect(result).toBe('done after 3');
    expect(delays).toHaveLength(3);
    delays.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
    });
  });

  it('gives up after the last attempt with ConcurrencyExhaustedError, without a final pointless wait', async () => {
    const delays: number[] = [];
    await expect(retryOnConflict('adjusting c1', policy, async () => RETRY, async (ms) => void delays.push(ms))).rejects.toThrow(ConcurrencyExhaustedError);
    expect(delays).toHaveLength(policy.maxAttempts - 1);
  });

  it('lets other errors through at once', async () => {
    let calls = 0;
    await expect(
      retryOnConflict('x', policy, async () => {
        calls++;
        throw new Error('storage down');
      }),
    ).rejects.toThrow('storage down');
    expect(calls).toBe(1);
  });
});
