import { describe, expect, it } from 'vitest';
import { parseMonitorLine } from '../src/monitor-line.js';

describe('parseMonitorLine', () => {
  it('reads time, db, client and arguments', () => {
    expect(
      parseMonitorLine('1700000000.123456 [0 127.0.0.1:5555] "EVALSHA" "abc" "1" "key"'),
    ).toEqual({
      time: 1700000000.123456,
      db: 0,
      client: '127.0.0.1:5555',
      args: ['EVALSHA', 'abc', '1', 'key'],
    });
  });

  it('knows commands run by scripts, unix sockets and IPv6 clients', () => {
    expect(parseMonitorLine('1.5 [3 lua] "get" "k"')).toMatchObject({ db: 3, client: 'lua' });
    expect(parseMonitorLine('1.5 [0 unix:/tmp/redis.sock] "PING"')?.client).toBe(
      'unix:/tmp/redis.sock',
    );
    expect(parseMonitorLine('1.5 [0 [::1]:6000] "PING"')).toMatchObject({
      client: '[::1]:6000',
      args: ['PING'],
    });
  });

  it('decodes escapes back to the UTF-8 strings that were sent', () => {
    const line = String.raw`1.5 [0 127.0.0.1:1] "set" "k{x}\xc3\xa9" "a\"b\\c" "l1\nl2\r\t\a\b" ""`;
    expect(parseMonitorLine(line)?.args).toEqual([
      'set',
      'k{x}é',
      'a"b\\c',
      'l1\nl2\r\t\x07\b',
      '',
    ]);
  });

  it('ignores what is not a command line', () => {
    expect(parseMonitorLine('OK')).toBeUndefined();
    expect(parseMonitorLine('1.5 [0 127.0.0.1:1] "unterminated')).toBeUndefined();
    expect(parseMonitorLine('1.5 [0 127.0.0.1:1] "bad\\q"')).toBeUndefined();
  });
});
