import { parseEngineArguments } from './engine-cli';

describe('parseEngineArguments', () => {
  it('resolves the data directory and the socket against the directory the command was typed in', () => {
    expect(parseEngineArguments(['--data-dir', 'data', '--socket', '../run/engine.sock'], {}, '/home/ana/ouvidor')).toEqual({
      dataDir: '/home/ana/ouvidor/data',
      socketPath: '/home/ana/run/engine.sock',
      maxHeapMb: undefined,
    });
  });

  it('defaults to $DATA_DIR, else ./data, listening in it', () => {
    expect(parseEngineArguments([], { DATA_DIR: '/srv/data' }, '/')).toEqual({
      dataDir: '/srv/data',
      socketPath: null,
      maxHeapMb: undefined,
    });
    expect(parseEngineArguments(['--max-heap-mb=2048'], {}, '/srv')).toEqual({ dataDir: '/srv/data', socketPath: null, maxHeapMb: 2048 });
  });

  it('answers help', () => {
    expect(parseEngineArguments(['--help'], {}, '/')).toBe('help');
  });

  it.each([
    [['--port', '27017'], /port/],
    [['--data-dir'], /data-dir/],
    [['stray'], /stray/],
    [['--socket='], /--socket needs a path/],
    [['--max-heap-mb', 'lots'], /--max-heap-mb/],
  ])('refuses %j, naming the problem', (args, message) => {
    expect(() => parseEngineArguments(args, {}, '/')).toThrow(message);
  });
});
