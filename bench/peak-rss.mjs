// Preloaded with --import into a process whose peak resident set bench/sparse.ts measures: at exit,
// getrusage's ru_maxrss (KiB) goes to stderr as one line.
process.on('exit', () => {
	process.stderr.write(`\npeak-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
