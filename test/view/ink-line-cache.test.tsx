import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {installInkLineCache, LineCache} from '../../source/view/ink-line-cache.js';

/** Ink's own per-frame caches as the line cache sees them, counting the work it asks of them. */
function source() {
	const calls: string[] = [];
	return {
		calls,
		caches: {
			getStyledChars: (line: string) => {
				calls.push(line);
				return [...line];
			},
			getStringWidth: (text: string) => text.length,
			getWidestLine: (text: string) => Math.max(...text.split('\n').map((l) => l.length)),
		},
	};
}

describe('LineCache', () => {
	it('works a line out once while consecutive frames use it, and lets it go two frames after its last use', () => {
		const cache = new LineCache();
		const a = source();
		cache.nextFrame(a.caches);
		cache.getStyledChars('PID 1');
		cache.getStyledChars('PID 1');
		cache.getStyledChars('PID 2');
		expect(a.calls).toEqual(['PID 1', 'PID 2']);
		const b = source();
		cache.nextFrame(b.caches);
		expect(cache.getStyledChars('PID 1')).toEqual([...'PID 1']);
		expect(b.calls).toEqual([]);
		// Frame 3 does not show PID 2; frame 4 asks for it again: gone, worked out anew.
		const c = source();
		cache.nextFrame(c.caches);
		cache.getStyledChars('PID 1');
		const d = source();
		cache.nextFrame(d.caches);
		cache.getStyledChars('PID 2');
		cache.getStyledChars('PID 1');
		expect(c.calls).toEqual([]);
		expect(d.calls).toEqual(['PID 2']);
		expect(cache.hits).toBe(3);
		expect(cache.misses).toBe(3);
	});

	it('keeps widths across frames too', () => {
		const cache = new LineCache();
		cache.nextFrame(source().caches);
		expect(cache.getWidestLine('ab\nabcd')).toBe(4);
		const later = source();
		later.caches.getStringWidth = () => {
			throw new Error('recomputed');
		};
		cache.nextFrame(later.caches);
		expect(cache.getStringWidth('abcd')).toBe(4);
		expect(cache.getWidestLine('ab\nabcd')).toBe(4);
	});
});

function Rows({n}: {n: number}) {
	return (
		<Box flexDirection="column">
			<Text color="green">Mem[||||||| 3.2G/8.0G]</Text>
			{[1, 2, 3].map((i) => (
				<Text key={i} color={i === n ? 'red' : undefined} inverse={i === 2}>
					{`${i}  worker  ${i * n} MiB`}
				</Text>
			))}
		</Box>
	);
}

describe('installInkLineCache', () => {
	it('draws the frames Ink draws without it, from the cache where lines repeat', async () => {
		const frames = (): string[] => {
			const {lastFrame, rerender, unmount} = render(<Rows n={1} />);
			const out = [lastFrame()!];
			for (const n of [2, 2, 3, 1]) {
				rerender(<Rows n={n} />);
				out.push(lastFrame()!);
			}
			unmount();
			return out;
		};
		const plain = frames();
		const cache = await installInkLineCache();
		expect(cache).not.toBeNull();
		expect(await installInkLineCache()).toBe(cache);
		const cached = frames();
		expect(cached).toEqual(plain);
		expect(cache!.hits).toBeGreaterThan(0);
	});
});
