// The task list (task-list.ts): pids in order, workload pids reserved up front, slots reused.
import {describe, expect, it} from 'vitest';
import {FIRST_PID, TaskList} from '../../source/sim/task-list.js';

describe('TaskList', () => {
	it('hands out pids from 100, and reserves a run of them', () => {
		const t = new TaskList();
		expect(t.allocPid()).toBe(FIRST_PID);
		expect(t.reservePids(3)).toBe(101);
		expect(t.allocPid()).toBe(104);
	});

	it('reuses the most recently freed slot', () => {
		const t = new TaskList();
		expect(t.takeSlot()).toBe(0);
		t.releaseSlot(0);
		expect(t.takeSlot()).toBe(0);
		expect(t.liveProcs()).toEqual([]);
		expect(t.procByPid(100)).toBeUndefined();
	});
});
