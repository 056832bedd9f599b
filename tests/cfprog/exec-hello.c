/* exec: a program with text, read-only data, .data, a bss of 20000 bytes
 * and a thread-local variable; main prints its name and argc. */
#include <cfrt.h>
int counter;
int data_word = 5;
__thread int tlsv = 7;
char big[20000];
int main(int argc, char **argv, char **envp)
{
	(void)envp;
	cf_puts("hello from ");
	cf_puts(argv[0]);
	cf_puts(" argc=");
	cf_put_int(argc);
	cf_puts("\n");
	return tlsv == 7 ? 0 : 1;
}
