/* matmul: C = A x B for 96 x 96 doubles (72 KiB, 18 pages each), the naive i-j-k loop and then a
 * transposed-B loop, no libc, for memtop's trace lab. In i-j-k the inner loop walks a column of B,
 * one double per 768-byte row: every page of B at every step. With B transposed the same work walks
 * rows: a page or two at a time. Build and trace: see docs/trace.md. */
#define N 96
static double a[N][N] __attribute__((aligned(4096)));
static double b[N][N] __attribute__((aligned(4096)));
static double bt[N][N] __attribute__((aligned(4096)));
static double c[N][N] __attribute__((aligned(4096)));

void _start(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = i + j;
			b[i][j] = i - j;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;
			for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) bt[j][i] = b[i][j];
	double check = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;
			for (int k = 0; k < N; k++) s += a[i][k] * bt[j][k];
			check += s - c[i][j];
		}
	__asm__ volatile("mov $60, %%eax\n syscall" ::"D"(check != 0));
}
