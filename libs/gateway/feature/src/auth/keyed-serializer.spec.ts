import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './keyed-serializer';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedSerializer', () => {
  it('runs tasks of one key strictly in turn, and other keys alongside', async () => {
    const serial = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name}:start`);
      await tick();
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([serial.run('a', task('a1')), serial.run('a', task('a2')), serial.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:start')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('keeps going after a failed task and forgets idle keys', async () => {
    const serial = new KeyedSerializer();
    const failed = serial.run('k', async () => {
      await tick();
      throw new Error('boom');
    });
    const next = serial.run('k', async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
    expect(serial.activeKeys).toBe(0);
  });
});
