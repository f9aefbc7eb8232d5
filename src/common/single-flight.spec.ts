import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('joins a run of the same key in flight, and starts anew once it settles', async () => {
    const flights = new SingleFlight<number>();
    let starts = 0;
    let release!: () => void;
    const start = () => new Promise<number>((resolve) => (release = () => resolve(++starts)));
    const a = flights.run('w1', start);
    const b = flights.run('w1', start);
    expect(b).toBe(a);
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    const c = flights.run('w1', start);
    release();
    expect(await c).toBe(2);
  });

  it('runs different keys side by side, and forgets a failed run', async () => {
    const flights = new SingleFlight<string>();
    const failed = flights.run('w1', () => Promise.reject(new Error('boom')));
    const other = flights.run('w2', () => Promise.resolve('w2'));
    await expect(failed).rejects.toThrow('boom');
    expect(await other).toBe('w2');
    expect(await flights.run('w1', () => Promise.resolve('again'))).toBe('again');
  });
});
