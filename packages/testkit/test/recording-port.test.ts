import { createMemoryPort, createSessionStore } from '@sess/core';
import { defineScript } from '@sess/core/internal';
import { describe, expect, it } from 'vitest';
import { createRecordingPort } from '../src/index.js';

const echo = defineScript(
  'testkit_echo',
  'return ARGV[1]',
  (_call, _keys, args) => args[0] ?? null,
);

describe('createRecordingPort', () => {
  it('counts one round trip per send, script and batch, and records every call', async () => {
    const port = createRecordingPort(createMemoryPort());
    expect(port.roundTrips).toBe(0);
    expect(await port.send({ command: 'SET', keys: ['k'], args: ['k', 'v'] })).toBe('OK');
    expect(await port.script({ script: echo, keys: ['k'], args: ['hi'] })).toBe('hi');
    const results = await port.batch([
      { command: 'GET', keys: ['k'], args: ['k'] },
      { script: echo, keys: [], args: ['x'] },
      { command: 'HGETALL', keys: ['k'], args: ['k'] },
    ]);
    expect(results.slice(0, 2)).toEqual(['v', 'x']);
    expect(results[2]).toBeInstanceOf(Error);
    expect(await port.batch([])).toEqual([]);

    expect(port.roundTrips).toBe(3);
    expect(port.calls).toEqual([
      { kind: 'command', name: 'SET', keys: ['k'], args: ['k', 'v'], roundTrip: 1 },
      { kind: 'script', name: 'testkit_echo', keys: ['k'], args: ['hi'], roundTrip: 2 },
      { kind: 'command', name: 'GET', keys: ['k'], args: ['k'], roundTrip: 3 },
      { kind: 'script', name: 'testkit_echo', keys: [], args: ['x'], roundTrip: 3 },
      { kind: 'command', name: 'HGETALL', keys: ['k'], args: ['k'], roundTrip: 3 },
    ]);
    expect(port.capabilities.cluster).toBe(false);
    await port.close();
  });

  it('records failed calls too', async () => {
    const port = createRecordingPort(createMemoryPort());
    await port.send({ command: 'SET', keys: ['k'], args: ['k', 'v'] });
    await expect(port.send({ command: 'HGETALL', keys: ['k'], args: ['k'] })).rejects.toThrow(
      /WRONGTYPE/,
    );
    expect(port.roundTrips).toBe(2);
    expect(port.calls.map((call) => call.name)).toEqual(['SET', 'HGETALL']);
  });

  it('reset() forgets what was recorded', async () => {
    const port = createRecordingPort(createMemoryPort());
    await port.send({ command: 'GET', keys: ['k'], args: ['k'] });
    port.reset();
    expect(port.roundTrips).toBe(0);
    expect(port.calls).toEqual([]);
    await port.send({ command: 'GET', keys: ['k'], args: ['k'] });
    expect(port.calls[0]?.roundTrip).toBe(1);
  });

  it('dedicated() returns a recording port with counts of its own', async () => {
    const port = createRecordingPort(createMemoryPort());
    const reader = await port.dedicated();
    await reader.send({ command: 'XLEN', keys: ['s'], args: ['s'] });
    expect(reader.roundTrips).toBe(1);
    expect(reader.calls.map((call) => call.name)).toEqual(['XLEN']);
    expect(port.roundTrips).toBe(0);
    expect(port.dedicatedPorts).toEqual([reader]);
    await reader.close();
  });

  it('shows what a store operation costs: load is one round trip, a read-only commit none', async () => {
    const port = createRecordingPort(createMemoryPort());
    let clock = Date.now();
    const store = createSessionStore({ port, now: () => clock });
    const session = await store.create({ user: 'ada' });
    expect(port.roundTrips).toBe(1);

    port.reset();
    const loaded = await store.load(session.id);
    expect(port.roundTrips).toBe(1);
    expect(port.calls.map((call) => call.name)).toEqual(['HGETALL']);

    port.reset();
    loaded?.get('user');
    expect(loaded && (await store.commit(loaded))).toBe('unchanged');
    expect(port.roundTrips).toBe(0);

    clock += 120_000;
    loaded?.set('user', 'eve');
    expect(loaded && (await store.commit(loaded))).toBe('saved');
    expect(port.roundTrips).toBe(1);
    expect(port.calls.map((call) => call.name)).toEqual(['sess_save', 'ZADD']);
  });
});
