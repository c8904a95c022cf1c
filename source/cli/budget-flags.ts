// --max-memory and --max-cpu: the resource budget's limits (workload/budget.ts), for whoever means
// to run something bigger than the defaults allow.
import {UserError} from '../common/user-error.js';
import {type BudgetLimits, DEFAULT_LIMITS, formatCpu, formatHostBytes} from '../workload/budget.js';
import {parseSize} from '../workload/quantities.js';

export const BUDGET_FLAGS = {
	maxMemory: {type: 'string'},
	maxCpu: {type: 'number'},
} as const;

export const budgetHelp = `    --max-memory SIZE Host memory the simulation may use (default ${formatHostBytes(DEFAULT_LIMITS.memory)};
                      e.g. 4G): bigger workloads are refused, naming the field
    --max-cpu S       Host CPU seconds per simulated second it may need (default ${formatCpu(DEFAULT_LIMITS.cpu)})`;

/** The limits from --max-memory and --max-cpu (the defaults where not given). */
export function budgetLimits(flags: {
	maxMemory?: string | undefined;
	maxCpu?: number | undefined;
}): BudgetLimits {
	let memory = DEFAULT_LIMITS.memory;
	if (flags.maxMemory !== undefined) {
		const bytes = parseSize(flags.maxMemory);
		if (bytes === undefined || !(bytes > 0) || !Number.isFinite(bytes))
			throw new UserError(`--max-memory: expected a size like 2G or 512M, got '${flags.maxMemory}'`);
		memory = bytes;
	}
	let cpu = DEFAULT_LIMITS.cpu;
	if (flags.maxCpu !== undefined) {
		if (!(flags.maxCpu > 0) || !Number.isFinite(flags.maxCpu))
			throw new UserError(
				`--max-cpu: expected a positive number of host CPU seconds per simulated second, got ${flags.maxCpu}`,
			);
		cpu = flags.maxCpu;
	}
	return {memory, cpu};
}
