/* sort: merge sort of 65,536 pseudo-random ints (256 KiB, 64 pages) with a 256 KiB buffer, no libc,
 * for memtop's trace lab. Each of the 16 passes reads two runs and writes the output in order:
 * three sequential streams, so a handful of frames hold what is in use and from there the faults
 * are about passes x pages, whatever the policy. Build and trace: see docs/trace.md. */
#define N 65536
static int a[N] __attribute__((aligned(4096)));
static int tmp[N] __attribute__((aligned(4096)));

static void merge_sort(int *x, int *t, int n) {
	for (int width = 1; width < n; width *= 2) {
		for (int lo = 0; lo < n; lo += 2 * width) {
			int mid = lo + width < n ? lo + width : n;
			int hi = lo + 2 * width < n ? lo + 2 * width : n;
			int i = lo, j = mid, k = lo;
			while (i < mid && j < hi) t[k++] = x[i] <= x[j] ? x[i++] : x[j++];
			while (i < mid) t[k++] = x[i++];
			while (j < hi) t[k++] = x[j++];
		}
		int *s = x;
		x = t;
		t = s;
	}
	if (x != a)
		for (int i = 0; i < n; i++) a[i] = x[i];
}

void _start(void) {
	unsigned s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		a[i] = (int)(s >> 8);
	}
	merge_sort(a, tmp, N);
	int ok = 1;
	for (int i = 1; i < N; i++) ok &= a[i - 1] <= a[i];
	__asm__ volatile("mov $60, %%eax\n syscall" ::"D"(!ok));
}
