import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('clock-pro', () => {
	it('hot, cold and ghost pages under three hands (worked by hand, 3 frames)', () => {
		// 3 frames, mc = 1 (within 1 .. 2). The circle from HAND_hot; c = cold, h = hot, x' = ghost,
		// t = in test period, * = referenced. New pages go just behind HAND_hot.
		//  1 2 3 F  [1ct 2ct 3ct], all hands at 1
		//  4 F  HAND_cold at 1: unreferenced, in test: evicted, a ghost in place. [1' 2ct 3ct 4ct]
		//  1 F  1' is a ghost: taken (HAND_hot, HAND_test -> 2). HAND_cold at 2: evicted -> 2'.
		//       1 enters hot, mc = 2: [2' 3ct 4ct 1h]. Hot 1 is not above 3 - 2.
		//  2 F  2' taken (hands -> 3). HAND_cold at 3: evicted -> 3'. 2 enters hot, mc stays 2.
		//       [3' 4ct 1h 2h]: hot 2 > 1, HAND_hot runs: 3' dropped (mc 1); 4: test ends (mc 1);
		//       1 hot unreferenced: turns cold. HAND_hot -> 2. [2h 4c 1c]
		//  5 F  HAND_cold at 4: unreferenced, not in test: evicted, no ghost. 5 behind HAND_hot:
		//       [2h 1c 5ct]
		//  1 h  1*;  2 h  2*
		//  6 F  HAND_cold at 1*: not in test: bit cleared, a new test period, to the head
		//       [2h* 5ct 1ct]. At 5: unreferenced, in test: evicted -> 5'. [2h* 5' 1ct 6ct]
		//  5 F  5' taken. HAND_cold at 1: evicted -> 1'. 5 hot, mc 2: [2h* 1' 6ct 5h]; hot 2 > 1:
		//       HAND_hot: 2* cleared; 1' dropped (mc 1); 6: test ends (mc 1); 5 turns cold.
		//  2 h
		expect(faultPattern('clock-pro', [1, 2, 3, 4, 1, 2, 5, 1, 2, 6, 5, 2], 3)).toBe('FFFFFFFhhFFh');
	});

	it('resists a scan better than CLOCK once pages are hot', () => {
		const hot = [1, 2, 3, 1, 2, 3, 1, 2, 3];
		const scan = Array.from({length: 30}, (_, i) => 100 + i);
		const refs = [...hot, ...scan, 1, 2, 3];
		const lastThree = (policy: string) => faultPattern(policy, refs, 6).slice(-3);
		expect(lastThree('clock')).toBe('FFF');
		expect(lastThree('clock-pro')).not.toBe('FFF');
	});
});
