/* compress: LZ77 with a 4,096-entry hash table of recent positions (greedy matches of 4 to 255
 * bytes) over 256 KiB of generated text, no libc, for memtop's trace lab. The input and output are
 * read and written once, in order (a scan), while the hash table (16 KiB, 4 pages) and the window
 * behind the cursor are hit at random: a small hot set under a stream. Build and trace: see
 * docs/trace.md. */
#define N (256 * 1024)
#define HBITS 12
static unsigned char in[N] __attribute__((aligned(4096)));
static unsigned char out[N + N / 8] __attribute__((aligned(4096)));
static int head[1 << HBITS] __attribute__((aligned(4096)));

static const char *words[] = {"the ", "memory ", "page ", "cache ", "of ", "and ", "reclaim ",
	"fault ", "a ", "to ", "kswapd ", "swap ", "is ", "lru ", "hot ", "cold "};

static unsigned hash4(const unsigned char *p) {
	unsigned v = p[0] | p[1] << 8 | p[2] << 16 | (unsigned)p[3] << 24;
	return (v * 2654435761u) >> (32 - HBITS);
}

void _start(void) {
	unsigned s = 7;
	int n = 0;
	while (n < N - 16) {
		s = s * 1103515245u + 12345u;
		const char *w = words[(s >> 16) & 15];
		while (*w && n < N) in[n++] = (unsigned char)*w++;
	}
	for (int i = 0; i < (1 << HBITS); i++) head[i] = -1;
	int o = 0;
	for (int i = 0; i < n;) {
		int best = 0, dist = 0;
		if (i + 4 <= n) {
			unsigned h = hash4(in + i);
			int c = head[h];
			head[h] = i;
			if (c >= 0 && i - c < 65536) {
				int l = 0;
				while (l < 255 && i + l < n && in[c + l] == in[i + l]) l++;
				if (l >= 4) best = l, dist = i - c;
			}
		}
		if (best) {
			out[o++] = 0xff;
			out[o++] = (unsigned char)best;
			out[o++] = (unsigned char)dist;
			out[o++] = (unsigned char)(dist >> 8);
			i += best;
		} else {
			out[o++] = in[i++];
		}
	}
	__asm__ volatile("mov $60, %%eax\n syscall" ::"D"(o > n));
}
