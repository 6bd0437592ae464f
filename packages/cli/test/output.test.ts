import { describe, expect, it } from 'vitest';
import { formatDuration } from '../src/format.js';
import { ProgressBar } from '../src/progress-bar.js';
import { renderPairs, renderTable } from '../src/text-table.js';

describe('renderTable', () => {
  it('pads columns to their widest cell and right-aligns numbers', () => {
    const table = renderTable(
      [{ header: 'Bucket' }, { header: 'Live', align: 'right' }],
      [
        ['sess:x:{0}', '5'],
        ['sess:x:{10}', '1,234'],
      ],
    );
    expect(table).toBe(
      ['Bucket        Live', '-----------  -----', 'sess:x:{0}       5', 'sess:x:{10}  1,234'].join(
        '\n',
      ),
    );
    expect(
      renderPairs([
        ['a', '1'],
        ['long', '2'],
      ]),
    ).toBe('a     1\nlong  2');
  });
});

describe('ProgressBar', () => {
  it('draws on a terminal only, and erases itself', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 60, write: (text: string) => written.push(text) };
    const bar = new ProgressBar(terminal, 'Pinging', 10, true);
    bar.update(5);
    expect(written.at(-1)).toMatch(/^\rPinging \[#+-+\] 50% 5\/10 *$/);
    bar.finish();
    expect(written.at(-1)).toMatch(/^\r +\r$/);

    const piped: string[] = [];
    const quiet = new ProgressBar({ write: (text: string) => piped.push(text) }, 'x', 10, true);
    quiet.update(10);
    quiet.finish();
    expect(piped).toEqual([]);
    const off: string[] = [];
    new ProgressBar({ isTTY: true, write: (t: string) => off.push(t) }, 'x', 1, false).update(1);
    expect(off).toEqual([]);
  });

  it('renders a fixed-width bar', () => {
    expect(ProgressBar.render('Expiring', 1, 4, 80)).toMatch(/^Expiring \[#{10}-{30}\] 25% 1\/4$/);
  });
});

describe('formatDuration', () => {
  it('picks a unit people read at a glance', () => {
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_500)).toBe('12.5 s');
    expect(formatDuration(250_000)).toBe('4 min 10 s');
    expect(formatDuration(-3 * 3_600_000)).toBe('-3 h 0 min');
    expect(formatDuration(50 * 3_600_000)).toBe('2 d 2 h');
  });
});
