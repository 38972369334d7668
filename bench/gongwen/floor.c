/* Spawn floor for bench/gongwen: an empty program linked (with
 * --no-as-needed) against the same shared libraries as build/shuzhi, so its
 * process time is what any shuzhi invocation costs before doing any work:
 * fork/exec + dynamic loading.  Built by run.sh into build/bench/. */
int main(void)
{
	return 0;
}
