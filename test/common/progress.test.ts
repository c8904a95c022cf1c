import {afterEach, describe, expect, it, vi} from 'vitest';
import {ProgressBar, progressOn} from '../../source/common/progress.js';

afterEach(() => {
	vi.useRealTimers();
});

function tty() {
	const writes: string[] = [];
	return {out: {columns: 120, write: (s: string) => writes.push(s)}, writes};
}

describe('ProgressBar', () => {
	it('stays silent for short runs, then draws one line within 80 columns and erases it', () => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
		const {out, writes} = tty();
		const bar = new ProgressBar(out, 'a/very/long/path/to/some/trace/file.trace.gz');
		bar.update(0.01, '100 refs');
		bar.done();
		expect(writes).toEqual([]);

		vi.setSystemTime(600);
		bar.update(0.5, '1.2M refs');
		expect(writes).toHaveLength(1);
		const line = writes[0]!;
		expect(line.startsWith('\r')).toBe(true);
		expect(line.length - 1).toBeLessThanOrEqual(79);
		expect(line).toContain(' 50%');
		expect(line).toContain('1.2M refs');

		vi.setSystemTime(650); // throttled
		bar.update(0.6, '1.3M refs');
		expect(writes).toHaveLength(1);

		bar.done();
		expect(writes.at(-1)).toMatch(/^\r +\r$/);
	});

	it('shows bytes read when the size is unknown (stdin)', () => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
		const {out, writes} = tty();
		const bar = new ProgressBar(out, '<stdin>');
		vi.setSystemTime(1000);
		bar.update(null, '5.0MB read, 20.0k refs');
		expect(writes[0]).toContain('<stdin>: 5.0MB read, 20.0k refs');
	});

	it('is drawn only on a terminal', () => {
		const {out} = tty();
		expect(progressOn({...out, isTTY: true}, 'x')).toBeInstanceOf(ProgressBar);
		expect(progressOn({...out, isTTY: false}, 'x')).toBeNull();
		expect(progressOn(out, 'x')).toBeNull();
	});
});
