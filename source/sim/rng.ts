// The only source of randomness in the simulation: a seeded xoshiro128** generator.
// Its whole state is four 32-bit words, so it is cheap to checkpoint and hash.

export class Rng {
	readonly state = new Uint32Array(4);

	constructor(seed: number) {
		// splitmix32 expands the seed so nearby seeds give unrelated streams.
		let s = seed >>> 0;
		for (let i = 0; i < 4; i++) {
			s = (s + 0x9e3779b9) >>> 0;
			let z = s;
			z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
			z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
			this.state[i] = (z ^ (z >>> 16)) >>> 0;
		}
		if ((this.state[0]! | this.state[1]! | this.state[2]! | this.state[3]!) === 0) this.state[0] = 1;
	}

	/** A uniform 32-bit unsigned integer. */
	nextU32(): number {
		const s = this.state;
		const s0 = s[0]!;
		const s1 = s[1]!;
		const s2 = s[2]!;
		const s3 = s[3]!;
		const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
		const t = (s1 << 9) >>> 0;
		const n2 = (s2 ^ s0) >>> 0;
		const n3 = (s3 ^ s1) >>> 0;
		s[1] = (s1 ^ n2) >>> 0;
		s[0] = (s0 ^ n3) >>> 0;
		s[2] = (n2 ^ t) >>> 0;
		s[3] = rotl(n3, 11);
		return r;
	}

	/** A uniform float in [0, 1). */
	next(): number {
		return this.nextU32() / 4294967296;
	}

	/** A uniform integer in [0, n) for n ≤ 2^32. */
	below(n: number): number {
		return Math.floor(this.next() * n);
	}
}

function rotl(x: number, k: number): number {
	return ((x << k) | (x >>> (32 - k))) >>> 0;
}
