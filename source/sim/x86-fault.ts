// Protection faults on x86-64 (arch/x86/mm/fault.c): an access outside every VMA, a write to a VMA
// without PROT_WRITE, any access to a PROT_NONE VMA, or a stack growing past RLIMIT_STACK or into
// the stack_guard_gap above the mapping below it. do_user_addr_fault() finds no VMA, or
// access_error() refuses the access, and bad_area_nosemaphore() → __bad_area_nosemaphore() sends
// SIGSEGV; with no handler the task dies, and show_signal_msg() logs one line:
//   NAME[PID]: segfault at ADDR ip IP sp SP error N in FILE[BASE+SIZE]
// The error code is the hardware's (X86_PF_PROT 1: the page was present; X86_PF_WRITE 2; X86_PF_USER
// 4): 4 a user read of a page not present, 6 a user write of one, 7 a user write to a present page
// the PTE forbids.

import {hex, PROT_WRITE, RLIMIT_STACK_DEFAULT, STACK_GUARD_GAP, STACK_TOP} from './mmap-layout.js';
import type {Proc} from './process.js';
import {PAGE_SIZE} from './units.js';
import type {Region} from './vma.js';

/** arch/x86/include/asm/trap_pf.h enum x86_pf_error_code. */
export const X86_PF_PROT = 1;
export const X86_PF_WRITE = 2;
export const X86_PF_USER = 4;

/** Per stream (Proc.streamFault): references fault only on a write (a VMA without PROT_WRITE)… */
export const FAULT_ON_WRITE = 1;
/** …or on every access (PROT_NONE, a wild pointer). */
export const FAULT_ALWAYS = 2;
/** Where a typical small PIE's code sits in its text: the ip of a fault is text + this (+16 a stream). */
const IP_OFFSET = 0x139;

/** The error code a user access raises: USER, WRITE if a write, PROT if the page was present. */
export function errorCode(write: boolean, present: boolean): number {
	return X86_PF_USER | (write ? X86_PF_WRITE : 0) | (present ? X86_PF_PROT : 0);
}

/** How a stream's references over `region` fault (0: never); `wild`: a bad pointer, outside every VMA. */
export function streamFault(region: Region, wild: boolean): number {
	if (wild || region.prot === 0) return FAULT_ALWAYS;
	return region.prot & PROT_WRITE ? 0 : FAULT_ON_WRITE;
}

/** The stack region's mapped part starts here (vm_start as grown; a stack not grown yet has its first page). */
function stackStart(r: Region): number {
	return r.va + (r.pages - Math.max(1, r.grows ? r.grown : r.pages)) * PAGE_SIZE;
}

/**
 * The user stack pointer at a fault: the lowest page of the stack as far as it has grown (the deepest
 * frame), or the page below STACK_TOP when the process declares no stack.
 */
export function stackPointer(p: Proc): number {
	const stack = p.regions.find((r) => r.growsDown);
	return stack ? stackStart(stack) : STACK_TOP - PAGE_SIZE;
}

/** The instruction pointer at a fault by stream `s`: in the text region, or where it would be. */
export function instructionPointer(p: Proc, s: number): number {
	const text = p.regions.find((r) => r.placement === 'text');
	if (!text) return 0x555555554000 + 0x1000 + IP_OFFSET + 16 * s;
	return text.va + Math.min(IP_OFFSET + 16 * s, text.pages * PAGE_SIZE - 1);
}

/**
 * mm/mmap.c expand_downwards() and acct_stack_growth() as the stack grows one page more: refused
 * (the address of the page it wanted) when the new size passes RLIMIT_STACK, or when the new start
 * comes within stack_guard_gap of the end of the VMA below it (one without VM_GROWSDOWN that can be
 * accessed); −1 when it may grow.
 */
export function stackGrowthRefused(p: Proc, stack: Region): number {
	const grown = stack.grown + 1;
	const address = stack.va + (stack.pages - grown) * PAGE_SIZE;
	if (grown * PAGE_SIZE > (p.spec.stack_limit ?? RLIMIT_STACK_DEFAULT)) return address;
	let prevEnd = -1;
	for (const r of p.regions) {
		if (r === stack || r.growsDown || r.prot === 0 || r.va >= stack.va) continue;
		const end = r.va + (r.grows ? r.grown : r.pages) * PAGE_SIZE;
		if (end > prevEnd) prevEnd = end;
	}
	return prevEnd >= 0 && address - prevEnd < STACK_GUARD_GAP ? address : -1;
}

export interface Segfault {
	addr: number;
	ip: number;
	sp: number;
	error: number;
}

/** %px: a pointer as 16 hex digits. */
const px = (a: number): string => hex(a).padStart(16, '0');

/**
 * arch/x86/mm/fault.c show_signal_msg(): "%s%s[%d]: segfault at %lx ip %px sp %px error %lx", then
 * print_vma_addr(" in ", ip): the file of the VMA holding ip, its start and size ("%s[%lx+%lx]"),
 * when ip is in a file's VMA (the text here, named as the process: comm is the executable's name).
 */
export function segfaultLine(p: Proc, f: Segfault): string {
	const head = `${p.name}[${p.pid}]: segfault at ${hex(f.addr)} ip ${px(f.ip)} sp ${px(f.sp)} error ${hex(f.error)}`;
	const text = p.regions.find((r) => r.placement === 'text');
	if (!text || f.ip < text.va || f.ip >= text.va + text.pages * PAGE_SIZE) return head;
	return `${head} in ${p.name}[${hex(text.va)}+${hex(text.pages * PAGE_SIZE)}]`;
}
